/** HTTP and UDP tracker server. */
package io.btspeed.tracker;
