package io.flowcast.model;

/**
 * Fast float tanh and sigmoid, as in-place passes over a range of an array so that C2 vectorises
 * them (5 to 6 times faster than a scalar loop here). tanh is a rational minimax approximation
 * (numerator degree 13, denominator degree 6, clamped at ±7.905 where float tanh is ±1 to within an
 * ulp; the form Eigen uses); sigmoid(x) = (1 + tanh(x/2)) / 2. Only +, *, /, min and max: all
 * vectorisable. Error against {@code Math.tanh} is below 4e-7, absolute and relative (tested),
 * far inside the PyTorch parity tolerances (atol 1e-5, rtol 1e-4).
 */
public final class Activations {

    private static final float CLAMP = 7.90531110763549805f;
    private static final float A1 = 4.89352455891786e-03f;
    private static final float A3 = 6.37261928875436e-04f;
    private static final float A5 = 1.48572235717979e-05f;
    private static final float A7 = 5.12229709037114e-08f;
    private static final float A9 = -8.60467152213735e-11f;
    private static final float A11 = 2.00018790482477e-13f;
    private static final float A13 = -2.76076847742355e-16f;
    private static final float B0 = 4.89352518554385e-03f;
    private static final float B2 = 2.26843463243900e-03f;
    private static final float B4 = 1.18534705686654e-04f;
    private static final float B6 = 1.19825839466702e-06f;

    private Activations() {
    }

    public static float tanh(float x) {
        float v = Math.max(-CLAMP, Math.min(CLAMP, x));
        float v2 = v * v;
        // Horner with fused multiply-adds: half the vector instructions of mul-then-add, one
        // rounding per step instead of two.
        float p = Math.fma(v2, A13, A11);
        p = Math.fma(v2, p, A9);
        p = Math.fma(v2, p, A7);
        p = Math.fma(v2, p, A5);
        p = Math.fma(v2, p, A3);
        p = Math.fma(v2, p, A1);
        p = v * p;
        float q = Math.fma(v2, B6, B4);
        q = Math.fma(v2, q, B2);
        q = Math.fma(v2, q, B0);
        return p / q;
    }

    public static float sigmoid(float x) {
        return Math.fma(0.5f, tanh(0.5f * x), 0.5f);
    }

    /** {@code a[i] = tanh(a[i])} for i in [from, to). */
    public static void tanh(float[] a, int from, int to) {
        for (int i = from; i < to; i++) {
            a[i] = tanh(a[i]);
        }
    }

    /** {@code a[i] = sigmoid(a[i])} for i in [from, to). */
    public static void sigmoid(float[] a, int from, int to) {
        for (int i = from; i < to; i++) {
            a[i] = sigmoid(a[i]);
        }
    }

    /** {@code a[i] = max(0, a[i])} for i in [from, to). */
    public static void relu(float[] a, int from, int to) {
        for (int i = from; i < to; i++) {
            a[i] = Math.max(0f, a[i]);
        }
    }

    /** {@code a[i] += b[i]} for i in [from, to): the two pre-activation halves summed. */
    static void add(float[] a, float[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            a[i] += b[i];
        }
    }
}
