package io.rdpprobe.probe.connector;

import io.rdpprobe.probe.model.Stage;
import io.rdpprobe.protocol.x224.Protocols;
import java.util.ArrayList;
import java.util.List;

/** The stages a probe runs, from what its state knows: the request, the selected protocol, a started session. */
final class Plan {
    private Plan() {}

    /**
     * @param selected       the protocol the X224 stage settled, or -1 before it
     * @param sessionStarted whether MCS has started
     */
    static List<Stage> of(ProbeSettings s, Peer peer, int selected, boolean sessionStarted) {
        List<Stage> plan = new ArrayList<>(List.of(Stage.DNS, Stage.TCP));
        if (peer.viaGateway()) {
            plan.addAll(List.of(Stage.GATEWAY_TLS, Stage.GATEWAY_HTTP, Stage.GATEWAY_TUNNEL, Stage.GATEWAY_CHANNEL));
        }
        plan.add(Stage.X224);
        Integer req = s.requestedProtocols();
        boolean hybridAsked = req != null && (req & (Protocols.HYBRID | Protocols.HYBRID_EX)) != 0;
        boolean tlsLikely = selected >= 0 ? Protocols.usesTls(selected) : req != null && req != Protocols.RDP;
        if (tlsLikely) {
            plan.add(Stage.TLS);
            boolean nlaLikely = selected >= 0 ? Protocols.usesCredSsp(selected) : hybridAsked;
            if (nlaLikely) {
                plan.add(Stage.CREDSSP);
            }
        }
        boolean delegate = s.credssp().options().delegate();
        boolean sessionPlanned = sessionStarted || (selected < 0 ? !(hybridAsked && (req & Protocols.SSL) == 0) || delegate
                : !Protocols.usesCredSsp(selected) || delegate);
        if (sessionPlanned) {
            plan.add(Stage.MCS);
            if (selected == Protocols.RDP || (selected < 0 && req != null && req == Protocols.RDP)) {
                plan.add(Stage.SECURITY_EXCHANGE);
            }
            plan.add(Stage.LICENSING);
            plan.add(Stage.ACTIVATION);
        }
        // --stop-after: nothing after its stage (the stages are declared in handshake order)
        if (s.stopAfter() != null) {
            plan.removeIf(st -> st.ordinal() > s.stopAfter().ordinal());
        }
        return plan;
    }
}
