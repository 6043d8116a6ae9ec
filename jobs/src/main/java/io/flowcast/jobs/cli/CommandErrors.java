package io.flowcast.jobs.cli;

import io.flowcast.jobs.kafka.KafkaUnavailableException;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.ParseResult;

/**
 * What a command's error looks like to the user: one line on stderr, {@code flowcast <command>: <what
 * went wrong>}, and an exit code; the stack trace only with {@code --debug}.
 * <ul>
 *   <li>2: the input or the flags are unusable ({@link IllegalArgumentException}), as picocli's own
 *       usage errors;</li>
 *   <li>1: anything else, e.g. Kafka not answering, a job that failed.</li>
 * </ul>
 */
final class CommandErrors implements IExecutionExceptionHandler {

    static final int FAILED = 1;
    static final int UNUSABLE_INPUT = 2;

    /** Set by {@code --debug}. */
    static volatile boolean debug;

    @Override
    public int handleExecutionException(Exception e, CommandLine commandLine, ParseResult parseResult) {
        PrintWriter err = commandLine.getErr();
        boolean expected = e instanceof IllegalArgumentException || e instanceof KafkaUnavailableException;
        err.println("flowcast " + commandLine.getCommandName() + ": " + oneLine(e, expected)
                + (expected || debug ? "" : " (--debug prints the stack trace)"));
        if (debug) {
            e.printStackTrace(err);
        }
        err.flush();
        return e instanceof IllegalArgumentException ? UNUSABLE_INPUT : FAILED;
    }

    /**
     * The error in one line: its own message, which for the errors flowcast raises says what to do;
     * for any other, what it is and its root cause, which is where such a chain's news is.
     */
    static String oneLine(Throwable e, boolean expected) {
        String text;
        if (expected) {
            text = e.getMessage() != null ? e.getMessage() : e.toString();
        } else {
            text = e.getMessage() != null ? e.getClass().getSimpleName() + ": " + e.getMessage() : e.toString();
            Throwable root = e;
            while (root.getCause() != null && root.getCause() != root) {
                root = root.getCause();
            }
            if (root != e && (root.getMessage() == null || !text.contains(root.getMessage()))) {
                text += "; caused by " + root;
            }
        }
        return text.replaceAll("\\s*[\\r\\n]+\\s*", " ").trim();
    }
}
