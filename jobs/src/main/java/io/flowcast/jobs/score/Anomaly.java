package io.flowcast.jobs.score;

/**
 * The judgement of one observation against the band forecast for it one step earlier ({@link AnomalyRule}).
 *
 * @param flagged whether the observation lies outside [low, high]
 * @param score   how many band widths ({@code high - low}) outside the band it lies; 0 inside
 * @param low     the band's lower end
 * @param high    the band's upper end
 */
public record Anomaly(boolean flagged, float score, float low, float high) {
}
