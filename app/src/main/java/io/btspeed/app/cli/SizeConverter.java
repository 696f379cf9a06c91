package io.btspeed.app.cli;

import picocli.CommandLine;

/** picocli converter so options like --upload-limit 10M and --piece-size 1M read naturally. */
public final class SizeConverter implements CommandLine.ITypeConverter<Long> {
    @Override
    public Long convert(String value) {
        try {
            return Sizes.parse(value);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.TypeConversionException(e.getMessage());
        }
    }
}
