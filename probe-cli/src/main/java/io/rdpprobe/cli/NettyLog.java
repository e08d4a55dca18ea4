package io.rdpprobe.cli;

import io.netty.util.internal.logging.AbstractInternalLogger;
import io.netty.util.internal.logging.InternalLogLevel;
import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;
import java.io.PrintStream;

/**
 * Netty's log, for the command line: INFO and above (what java.util.logging's default console handler showed)
 * on standard error, one line each with the logger's name, plus a throwable's one-line text; DEBUG and TRACE,
 * and the throwable's stack trace, with {@code -Drdpprobe.debug=true}.
 *
 * <p>Start-up (issue 13): Netty's own choice finds this jar's SLF4J NOP binding, refuses it and falls back to
 * java.util.logging, whose {@code LogManager} reads its configuration and sets up handlers on the first Netty
 * class that logs (about 60 classes, on every probe). This factory needs no logging framework.
 */
final class NettyLog extends InternalLoggerFactory {
    static final NettyLog INSTANCE = new NettyLog(System.err, Boolean.getBoolean("rdpprobe.debug"));

    private final PrintStream err;
    private final boolean debug;

    NettyLog(PrintStream err, boolean debug) {
        this.err = err;
        this.debug = debug;
    }

    @Override
    protected InternalLogger newInstance(String name) {
        return new Logger(name);
    }

    boolean enabled(InternalLogLevel level) {
        return debug || level.ordinal() >= InternalLogLevel.INFO.ordinal();
    }

    /** SLF4J-style "{}" placeholders; a trailing Throwable argument beyond them is printed as the cause. */
    static String format(String format, Object[] args) {
        if (format == null || args == null || args.length == 0) {
            return String.valueOf(format);
        }
        StringBuilder sb = new StringBuilder(format.length() + 32);
        int from = 0;
        int used = 0;
        for (int at = format.indexOf("{}"); at >= 0 && used < args.length; at = format.indexOf("{}", from)) {
            sb.append(format, from, at);
            Object a = args[used++];
            sb.append(a instanceof Object[] arr ? java.util.Arrays.deepToString(arr) : String.valueOf(a));
            from = at + 2;
        }
        return sb.append(format, from, format.length()).toString();
    }

    private final class Logger extends AbstractInternalLogger {
        private static final long serialVersionUID = 1L;

        Logger(String name) {
            super(name);
        }

        private void emit(InternalLogLevel level, String format, Object[] args, Throwable t) {
            if (!enabled(level)) {
                return;
            }
            Throwable cause = t;
            if (cause == null && args != null && args.length > 0 && args[args.length - 1] instanceof Throwable last
                    && placeholders(format) < args.length) {
                cause = last;
            }
            synchronized (err) {
                err.println("rdp-probe: netty " + level + " " + name() + ": " + format(format, args));
                if (cause != null && debug) {
                    cause.printStackTrace(err);
                } else if (cause != null) {
                    // the exception in one line, no stack trace (the project's promise); -Drdpprobe.debug=true shows it
                    err.println("  cause: " + cause);
                }
                err.flush();
            }
        }

        private int placeholders(String format) {
            int n = 0;
            for (int at = format == null ? -1 : format.indexOf("{}"); at >= 0; at = format.indexOf("{}", at + 2)) {
                n++;
            }
            return n;
        }

        @Override
        public boolean isTraceEnabled() {
            return enabled(InternalLogLevel.TRACE);
        }

        @Override
        public void trace(String msg) {
            emit(InternalLogLevel.TRACE, msg, null, null);
        }

        @Override
        public void trace(String format, Object arg) {
            emit(InternalLogLevel.TRACE, format, new Object[] {arg}, null);
        }

        @Override
        public void trace(String format, Object argA, Object argB) {
            emit(InternalLogLevel.TRACE, format, new Object[] {argA, argB}, null);
        }

        @Override
        public void trace(String format, Object... arguments) {
            emit(InternalLogLevel.TRACE, format, arguments, null);
        }

        @Override
        public void trace(String msg, Throwable t) {
            emit(InternalLogLevel.TRACE, msg, null, t);
        }

        @Override
        public boolean isDebugEnabled() {
            return enabled(InternalLogLevel.DEBUG);
        }

        @Override
        public void debug(String msg) {
            emit(InternalLogLevel.DEBUG, msg, null, null);
        }

        @Override
        public void debug(String format, Object arg) {
            emit(InternalLogLevel.DEBUG, format, new Object[] {arg}, null);
        }

        @Override
        public void debug(String format, Object argA, Object argB) {
            emit(InternalLogLevel.DEBUG, format, new Object[] {argA, argB}, null);
        }

        @Override
        public void debug(String format, Object... arguments) {
            emit(InternalLogLevel.DEBUG, format, arguments, null);
        }

        @Override
        public void debug(String msg, Throwable t) {
            emit(InternalLogLevel.DEBUG, msg, null, t);
        }

        @Override
        public boolean isInfoEnabled() {
            return enabled(InternalLogLevel.INFO);
        }

        @Override
        public void info(String msg) {
            emit(InternalLogLevel.INFO, msg, null, null);
        }

        @Override
        public void info(String format, Object arg) {
            emit(InternalLogLevel.INFO, format, new Object[] {arg}, null);
        }

        @Override
        public void info(String format, Object argA, Object argB) {
            emit(InternalLogLevel.INFO, format, new Object[] {argA, argB}, null);
        }

        @Override
        public void info(String format, Object... arguments) {
            emit(InternalLogLevel.INFO, format, arguments, null);
        }

        @Override
        public void info(String msg, Throwable t) {
            emit(InternalLogLevel.INFO, msg, null, t);
        }

        @Override
        public boolean isWarnEnabled() {
            return enabled(InternalLogLevel.WARN);
        }

        @Override
        public void warn(String msg) {
            emit(InternalLogLevel.WARN, msg, null, null);
        }

        @Override
        public void warn(String format, Object arg) {
            emit(InternalLogLevel.WARN, format, new Object[] {arg}, null);
        }

        @Override
        public void warn(String format, Object argA, Object argB) {
            emit(InternalLogLevel.WARN, format, new Object[] {argA, argB}, null);
        }

        @Override
        public void warn(String format, Object... arguments) {
            emit(InternalLogLevel.WARN, format, arguments, null);
        }

        @Override
        public void warn(String msg, Throwable t) {
            emit(InternalLogLevel.WARN, msg, null, t);
        }

        @Override
        public boolean isErrorEnabled() {
            return enabled(InternalLogLevel.ERROR);
        }

        @Override
        public void error(String msg) {
            emit(InternalLogLevel.ERROR, msg, null, null);
        }

        @Override
        public void error(String format, Object arg) {
            emit(InternalLogLevel.ERROR, format, new Object[] {arg}, null);
        }

        @Override
        public void error(String format, Object argA, Object argB) {
            emit(InternalLogLevel.ERROR, format, new Object[] {argA, argB}, null);
        }

        @Override
        public void error(String format, Object... arguments) {
            emit(InternalLogLevel.ERROR, format, arguments, null);
        }

        @Override
        public void error(String msg, Throwable t) {
            emit(InternalLogLevel.ERROR, msg, null, t);
        }
    }
}
