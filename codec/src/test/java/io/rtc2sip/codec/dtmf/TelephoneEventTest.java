package io.rtc2sip.codec.dtmf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

class TelephoneEventTest {

    record Sent(int ts, boolean marker, TelephoneEvent event) {
    }

    /** Runs the sender for {@code packets} intervals of 160 from timestamp {@code ts0}. */
    static List<Sent> run(DtmfSender sender, int ts0, int packets) {
        List<Sent> sent = new ArrayList<>();
        byte[] buf = new byte[4];
        for (int i = 0; i < packets; i++) {
            int n = sender.next(ts0 + 160 * i, buf, 0);
            if (n > 0) {
                sent.add(new Sent(sender.eventTimestamp(), sender.marker(), TelephoneEvent.read(buf, 0, n)));
            } else {
                sent.add(null);
            }
        }
        return sent;
    }

    @Test
    void payloadMatchesTheRfcLayout() {
        byte[] buf = new byte[4];
        // event 11 (#), end bit, volume 10, duration 800
        new TelephoneEvent(11, true, 10, 800).write(buf, 0);
        assertArrayEquals(HexFormat.of().parseHex("0B8A0320"), buf);
        assertEquals(new TelephoneEvent(11, true, 10, 800), TelephoneEvent.read(buf, 0, 4));
        assertNull(TelephoneEvent.read(buf, 0, 3));
        assertNull(TelephoneEvent.read(buf, 2, 4));
        assertThrows(IllegalArgumentException.class, () -> new TelephoneEvent(1, false, 64, 0));
        assertEquals(11, Dtmf.event('#'));
        assertEquals('*', Dtmf.digit(10));
        assertEquals('D', Dtmf.digit(15));
        assertEquals(-1, Dtmf.event('x'));
    }

    @Test
    void senderStartsContinuesAndEndsThreeTimes() {
        DtmfSender sender = new DtmfSender(8000, 160).volume(12);
        assertFalse(sender.busy());
        sender.send('7', 100);
        assertTrue(sender.busy());
        List<Sent> sent = run(sender, 48000, 8);
        // 100 ms = 800 units: durations 160..640 without end, 800 with end three times, then a pause
        int[] durations = {160, 320, 480, 640, 800, 800, 800};
        for (int i = 0; i < durations.length; i++) {
            Sent s = sent.get(i);
            assertEquals(48000, s.ts(), "all packets carry the first packet's timestamp");
            assertEquals(i == 0, s.marker());
            assertEquals(new TelephoneEvent(7, i >= 4, 12, durations[i]), s.event(), "packet " + i);
        }
        assertEquals(null, sent.get(7));
        assertTrue(sender.busy(), "pause after the digit");
        assertEquals(null, run(sender, 0, 2).get(1));
        assertFalse(sender.busy());
    }

    @Test
    void queuedDigitsEachGetTheirOwnTimestamp() {
        DtmfSender sender = new DtmfSender(8000, 160);
        sender.send('1', 40);
        sender.send('#', 10);
        List<Sent> sent = run(sender, 0, 20);
        // '1': 2 packets + 2 more ends; pause of 3; '#': 1 packet (its end) + 2 more ends
        assertEquals(new TelephoneEvent(1, false, 10, 160), sent.get(0).event());
        assertEquals(new TelephoneEvent(1, true, 10, 320), sent.get(1).event());
        assertEquals(new TelephoneEvent(1, true, 10, 320), sent.get(3).event());
        assertEquals(null, sent.get(4));
        assertEquals(null, sent.get(6));
        assertEquals(new Sent(7 * 160, true, new TelephoneEvent(11, true, 10, 160)), sent.get(7));
        assertEquals(new Sent(7 * 160, false, new TelephoneEvent(11, true, 10, 160)), sent.get(9));
        assertEquals(null, sent.get(10));
        assertThrows(IllegalArgumentException.class, () -> sender.send('x', 100));
    }

    @Test
    void receiverReportsEachDigitOnceDespiteLossReorderAndRetransmission() {
        StringBuilder heard = new StringBuilder();
        DtmfReceiver receiver = new DtmfReceiver(heard::append);
        byte[] b = new byte[4];
        // digit 4 at ts -1000 (just before the 32-bit wrap): start lost, continuation, end x3,
        // a late continuation
        TelephoneEvent.write(b, 0, 4, false, 10, 320);
        assertEquals(DtmfReceiver.Outcome.DIGIT, receiver.onPacket(-1000, b, 0, 4));
        TelephoneEvent.write(b, 0, 4, true, 10, 800);
        for (int i = 0; i < 3; i++) {
            assertEquals(DtmfReceiver.Outcome.CONTINUATION, receiver.onPacket(-1000, b, 0, 4));
        }
        TelephoneEvent.write(b, 0, 4, false, 10, 480);
        assertEquals(DtmfReceiver.Outcome.CONTINUATION, receiver.onPacket(-1000, b, 0, 4));
        assertEquals(800, receiver.lastDuration());
        assertTrue(receiver.lastEnded());
        // the same digit again is a new event: a new timestamp, after the wrap
        TelephoneEvent.write(b, 0, 4, false, 10, 160);
        assertEquals(DtmfReceiver.Outcome.DIGIT, receiver.onPacket(640, b, 0, 4));
        assertEquals(DtmfReceiver.Outcome.STALE, receiver.onPacket(-160, b, 0, 4));
        TelephoneEvent.write(b, 0, 16, false, 10, 160); // a flash-hook-like non-DTMF event
        assertEquals(DtmfReceiver.Outcome.NOT_DTMF, receiver.onPacket(2000, b, 0, 4));
        assertEquals(DtmfReceiver.Outcome.MALFORMED, receiver.onPacket(2000, b, 0, 3));
        assertEquals(DtmfReceiver.Outcome.MALFORMED, receiver.onPacket(2000, null, 0, 4));
        assertEquals("44", heard.toString());
        assertEquals(2, receiver.digits());
    }

    @Test
    void senderToReceiverCarriesAWholeSequence() {
        DtmfSender sender = new DtmfSender(8000, 160);
        for (char d : "0123456789*#ABCD".toCharArray()) {
            sender.send(d, 80);
        }
        StringBuilder heard = new StringBuilder();
        DtmfReceiver receiver = new DtmfReceiver(heard::append);
        byte[] buf = new byte[4];
        for (int i = 0; i < 200; i++) {
            int n = sender.next(160 * i, buf, 0);
            if (n > 0) {
                receiver.onPacket(sender.eventTimestamp(), buf, 0, n);
            }
        }
        assertEquals("0123456789*#ABCD", heard.toString());
        assertFalse(sender.busy());
    }
}
