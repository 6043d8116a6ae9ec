package io.flowcast.model.online;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ReplayBufferTest {

    private static TrainingWindow window(String key, long time) {
        return new TrainingWindow(key, time, new float[] {time}, new float[] {1f}, new float[0]);
    }

    @Test
    void oneSeriesKeepsEveryWindowOfTheSpan() throws Exception {
        ReplayBuffer b = new ReplayBuffer(10, 10);
        ReplayBuffer.Store store = ReplayBuffer.inMemory();
        for (long t = 0; t < 25; t++) {
            assertTrue(b.offer(window("a", t), store));
        }
        List<TrainingWindow> held = b.windows(store);
        assertEquals(10, held.size());
        for (int i = 0; i < 10; i++) {
            assertEquals(15 + i, held.get(i).time(), "the newest ten, oldest first");
        }
    }

    @Test
    void manySeriesKeepTheLowestPrioritiesWithinCapacity() throws Exception {
        ReplayBuffer b = new ReplayBuffer(50, 1_000);
        ReplayBuffer.Store store = ReplayBuffer.inMemory();
        List<TrainingWindow> all = new ArrayList<>();
        for (long t = 0; t < 20; t++) {
            for (int k = 0; k < 100; k++) {
                TrainingWindow w = window("series-" + k, t);
                all.add(w);
                b.offer(w, store);
            }
        }
        assertEquals(50, b.size());
        all.sort((x, y) -> Double.compare(x.priority(), y.priority()));
        List<TrainingWindow> expected = new ArrayList<>(all.subList(0, 50));
        expected.sort(TrainingWindow::compare);
        assertEquals(expected, b.windows(store), "with nothing expired, the 50 lowest priorities");
        long keys = b.windows(store).stream().map(TrainingWindow::key).distinct().count();
        assertTrue(keys > 30, "spread over the series, not a few of them: " + keys);
    }

    @Test
    void whatIsKeptDependsOnlyOnTheWindowsOfferedNotOnHowTheyArrivedWithinATimeStamp() throws Exception {
        List<String> keys = new ArrayList<>();
        for (int k = 0; k < 40; k++) {
            keys.add("k" + k);
        }
        List<TrainingWindow> a = null;
        for (int run = 0; run < 2; run++) {
            ReplayBuffer b = new ReplayBuffer(30, 5);
            ReplayBuffer.Store store = ReplayBuffer.inMemory();
            Random shuffle = new Random(run);
            for (long t = 0; t < 30; t++) {
                List<String> order = new ArrayList<>(keys);
                Collections.shuffle(order, shuffle); // the trainer sorts; a shuffled list sorted is the same list
                order.sort(null);
                for (String k : order) {
                    b.offer(window(k, t), store);
                }
            }
            if (a == null) {
                a = b.windows(store);
            } else {
                assertEquals(a, b.windows(store));
            }
        }
    }

    @Test
    void windowsOlderThanTheSpanAreDroppedAndTheStoreCleared() throws Exception {
        ReplayBuffer b = new ReplayBuffer(100, 3);
        java.util.Map<Integer, TrainingWindow> map = new java.util.HashMap<>();
        ReplayBuffer.Store store = new ReplayBuffer.Store() {
            public TrainingWindow get(int slot) {
                return map.get(slot);
            }

            public void put(int slot, TrainingWindow w) {
                map.put(slot, w);
            }

            public void remove(int slot) {
                map.remove(slot);
            }
        };
        for (long t = 0; t < 10; t++) {
            b.offer(window("a", t), store);
            b.offer(window("b", t), store);
        }
        assertEquals(6, b.size(), "times 7, 8 and 9 of two series");
        assertEquals(6, map.size(), "nothing left behind in the store");
        assertTrue(b.windows(store).stream().allMatch(w -> w.time() >= 7));
    }

    @Test
    void aFullBufferRefusesAWindowOfHigherPriorityThanAllItHolds() throws Exception {
        ReplayBuffer b = new ReplayBuffer(1, 1_000);
        ReplayBuffer.Store store = ReplayBuffer.inMemory();
        TrainingWindow x = window("x", 1);
        TrainingWindow y = window("y", 1);
        TrainingWindow low = x.priority() < y.priority() ? x : y;
        TrainingWindow high = low == x ? y : x;
        assertTrue(b.offer(low, store));
        assertFalse(b.offer(high, store));
        assertEquals(List.of(low), b.windows(store));
    }

    @Test
    void anIndexRestoredFromItsBytesKeepsDecidingTheSame() throws Exception {
        ReplayBuffer b = new ReplayBuffer(20, 50);
        ReplayBuffer.Store store = ReplayBuffer.inMemory();
        for (long t = 0; t < 30; t++) {
            for (int k = 0; k < 5; k++) {
                b.offer(window("s" + k, t), store);
            }
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        b.writeTo(new DataOutputStream(bytes));
        assertEquals(4 + 8 + 16 * 20, bytes.size(), "the index is 16 bytes a slot, nothing per series");
        ReplayBuffer back = ReplayBuffer.readFrom(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
        for (long t = 30; t < 90; t++) {
            for (int k = 0; k < 5; k++) {
                TrainingWindow w = window("s" + k, t);
                assertEquals(b.offer(w, store), back.offer(w, store), "window " + w);
            }
        }
        assertEquals(b.size(), back.size());
    }
}
