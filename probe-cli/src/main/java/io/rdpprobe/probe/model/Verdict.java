package io.rdpprobe.probe.model;

/**
 * The conclusion: the stage where the probe stopped (the failing one, or the last one reached), its
 * status, cause, summary and remedy, and the client error pair where known.
 */
public record Verdict(Stage stage, Status status, String cause, String summary, String remedy,
                      ClientError clientError, boolean inferred, Stage findingStage, java.util.List<String> notTried,
                      String goFurther) {

    /**
     * @param findingStage the stage of the finding (the warning's own stage; for a failure the failing stage), which
     *                     the headline names; {@code stage} stays the last stage reached
     * @param notTried     stages the probe did not try because it stopped early by design (empty otherwise)
     * @param goFurther    the exact options to go further when it did, or null
     */
    public Verdict {
        notTried = notTried == null ? java.util.List.of() : java.util.List.copyOf(notTried);
    }

    public Verdict(Stage stage, Status status, String cause, String summary, String remedy, ClientError clientError,
                   boolean inferred) {
        this(stage, status, cause, summary, remedy, clientError, inferred, stage, null, null);
    }

    /** The same verdict, stopped early by design: which stages were not tried, and how to go further. */
    public Verdict withEarlyStop(java.util.List<String> stages, String options) {
        return new Verdict(stage, status, cause, summary, remedy, clientError, inferred, findingStage, stages, options);
    }

    /** Derives the verdict from the stage results: the first failure, else the last warning, else the last OK. */
    public static Verdict from(java.util.List<StageResult> stages) {
        StageResult chosen = null;
        for (StageResult r : stages) {
            if (r.status() == Status.FAILED) {
                chosen = r;
                break;
            }
        }
        if (chosen == null) {
            for (StageResult r : stages) {
                if (r.status() == Status.OK || r.status() == Status.WARNING) {
                    chosen = r;
                }
            }
        }
        if (chosen == null) {
            return new Verdict(null, Status.NOT_REACHED, null, "no stage ran", null, null, false);
        }
        if (chosen.status() == Status.OK || chosen.status() == Status.WARNING) {
            // warnings anywhere are summarised; the verdict stays OK/WARNING at the last stage reached
            StageResult warn = null;
            for (StageResult r : stages) {
                if (r.status() == Status.WARNING) {
                    warn = r;
                }
            }
            if (warn != null) {
                Cause c = warn.cause();
                return new Verdict(chosen.stage(), Status.WARNING, c.code(),
                        "reached " + chosen.stage() + "; warning at " + warn.stage() + ": " + warn.summary(),
                        c.remedy(), null, warn.inferred(), warn.stage(), null, null);
            }
            return new Verdict(chosen.stage(), Status.OK, null, "reached " + chosen.stage() + ": " + chosen.summary(),
                    null, null, false);
        }
        Cause c = chosen.cause();
        return new Verdict(chosen.stage(), Status.FAILED, c.code(), chosen.summary(), c.remedy(), c.clientError(),
                chosen.inferred());
    }

    /** Process exit code: 0 unless a stage failed, then that stage's code. */
    public int exitCode() {
        return status == Status.FAILED && stage != null ? stage.exitCode() : 0;
    }
}
