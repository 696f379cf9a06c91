package io.btspeed.engine.tracker;

import java.io.ByteArrayOutputStream;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/**
 * Collects a response body but gives up (and cancels the transfer) once it passes a size cap, so a
 * hostile or broken tracker cannot make us buffer an unbounded body. A declared Content-Length above the
 * cap fails before any byte is read.
 */
final class CappedBodySubscriber implements HttpResponse.BodySubscriber<byte[]> {
    private final int cap;
    private final long declaredLength;
    private final String url;
    private final CompletableFuture<byte[]> result = new CompletableFuture<>();
    private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    private Flow.Subscription subscription;

    CappedBodySubscriber(int cap, long declaredLength, String url) {
        this.cap = cap;
        this.declaredLength = declaredLength;
        this.url = url;
    }

    static HttpResponse.BodyHandler<byte[]> handler(int cap, String url) {
        return info -> new CappedBodySubscriber(cap, info.headers().firstValueAsLong("content-length").orElse(-1), url);
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
        subscription = s;
        if (declaredLength > cap) {
            fail("declares a " + declaredLength + "-byte body");
            return;
        }
        s.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(List<ByteBuffer> items) {
        if (result.isDone()) return;
        for (ByteBuffer b : items) {
            if (buffer.size() + (long) b.remaining() > cap) {
                fail("sent more than " + cap + " bytes");
                return;
            }
            byte[] chunk = new byte[b.remaining()];
            b.get(chunk);
            buffer.writeBytes(chunk);
        }
    }

    private void fail(String what) {
        subscription.cancel();
        result.completeExceptionally(new TrackerException("tracker " + url + " " + what
                + "; announce responses are limited to " + cap + " bytes"));
    }

    @Override
    public void onError(Throwable t) {
        result.completeExceptionally(t);
    }

    @Override
    public void onComplete() {
        result.complete(buffer.toByteArray());
    }

    @Override
    public CompletionStage<byte[]> getBody() {
        return result;
    }
}
