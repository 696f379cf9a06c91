/** The Speed extension: bids, auctions, autobid, channel payment flow (sans-I/O). */
package io.btspeed.market;
