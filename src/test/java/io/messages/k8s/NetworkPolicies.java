package io.messages.k8s;

import java.util.List;
import java.util.Map;
import java.util.Objects;

import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;

/**
 * What the rendered NetworkPolicies allow, by the rules of the Kubernetes API (no CNI runs here):
 * a pod selected by a policy of a direction is isolated in it and accepts only what some such
 * policy allows; policies add up; a peer's pod selector alone means the policy's namespace, its
 * namespace selector alone every pod of the namespaces it selects; a named port is the
 * destination container's. A connection passes if the destination's ingress and the source's
 * egress both allow it. (Node traffic, such as the kubelet's probes, is always allowed and not
 * modelled; nor are ipBlocks, which the manifests do not use.)
 */
final class NetworkPolicies {
    /** The namespace the manifests are applied to (they name none). */
    static final String HOME = "messages";

    private final List<NetworkPolicy> policies;

    private NetworkPolicies(List<NetworkPolicy> policies) {
        this.policies = policies;
    }

    /** The NetworkPolicies among {@code objects}, all in {@link #HOME}. */
    static NetworkPolicies of(List<HasMetadata> objects) {
        return new NetworkPolicies(objects.stream().filter(NetworkPolicy.class::isInstance)
                                           .map(NetworkPolicy.class::cast).toList());
    }

    /** A pod: its namespace, its labels and its container ports. */
    record Pod(String namespace, Map<String, String> labels, List<ContainerPort> ports) {
        static Pod in(String namespace, Map<String, String> labels, ContainerPort... ports) {
            return new Pod(namespace, labels, List.of(ports));
        }

        /** The same pod in {@code other} namespace. */
        Pod movedTo(String other) {
            return new Pod(other, labels, ports);
        }

        Map<String, String> namespaceLabels() {
            return Map.of("kubernetes.io/metadata.name", namespace);
        }
    }

    static ContainerPort port(String name, int number, String protocol) {
        ContainerPort port = new ContainerPort();
        port.setName(name);
        port.setContainerPort(number);
        port.setProtocol(protocol);
        return port;
    }

    /** Whether {@code from} may open a connection to {@code to} on {@code port} (TCP). */
    boolean allows(Pod from, Pod to, int port) {
        return allows(from, to, port, "TCP");
    }

    /** Whether {@code from} may send to {@code to} on {@code port} over {@code protocol}. */
    boolean allows(Pod from, Pod to, int port, String protocol) {
        return ingressAllows(from, to, port, protocol) && egressAllows(from, to, port, protocol);
    }

    private boolean ingressAllows(Pod from, Pod to, int port, String protocol) {
        List<NetworkPolicy> isolating = selecting(to, "Ingress");
        return isolating.isEmpty() || isolating.stream()
                .flatMap(p -> p.getSpec().getIngress().stream())
                .anyMatch(rule -> peersMatch(rule.getFrom(), from) && portsMatch(rule.getPorts(), to, port, protocol));
    }

    private boolean egressAllows(Pod from, Pod to, int port, String protocol) {
        List<NetworkPolicy> isolating = selecting(from, "Egress");
        return isolating.isEmpty() || isolating.stream()
                .flatMap(p -> p.getSpec().getEgress().stream())
                .anyMatch(rule -> peersMatch(rule.getTo(), to) && portsMatch(rule.getPorts(), to, port, protocol));
    }

    private List<NetworkPolicy> selecting(Pod pod, String direction) {
        return policies.stream()
                .filter(p -> pod.namespace().equals(HOME) && matches(p.getSpec().getPodSelector(), pod.labels()))
                .filter(p -> types(p).contains(direction))
                .toList();
    }

    // The API's default: Ingress always, Egress when there are egress rules.
    private static List<String> types(NetworkPolicy policy) {
        List<String> types = policy.getSpec().getPolicyTypes();
        if (types != null && !types.isEmpty()) {
            return types;
        }
        return policy.getSpec().getEgress() == null || policy.getSpec().getEgress().isEmpty()
                ? List.of("Ingress") : List.of("Ingress", "Egress");
    }

    private static boolean peersMatch(List<NetworkPolicyPeer> peers, Pod pod) {
        if (peers == null || peers.isEmpty()) {
            return true;
        }
        for (NetworkPolicyPeer peer : peers) {
            if (peer.getIpBlock() != null) {
                // Only "any address" is modelled: it takes in every peer.
                if (!"0.0.0.0/0".equals(peer.getIpBlock().getCidr()) || peer.getIpBlock().getExcept() != null
                        && !peer.getIpBlock().getExcept().isEmpty()) {
                    throw new AssertionError("ipBlock peers other than 0.0.0.0/0 are not modelled: " + peer);
                }
                return true;
            }
            boolean namespace = peer.getNamespaceSelector() == null
                    ? pod.namespace().equals(HOME)
                    : matches(peer.getNamespaceSelector(), pod.namespaceLabels());
            boolean labels = peer.getPodSelector() == null || matches(peer.getPodSelector(), pod.labels());
            if (namespace && labels) {
                return true;
            }
        }
        return false;
    }

    private static boolean portsMatch(List<NetworkPolicyPort> ports, Pod to, int port, String protocol) {
        if (ports == null || ports.isEmpty()) {
            return true;
        }
        for (NetworkPolicyPort allowed : ports) {
            String allowedProtocol = Objects.requireNonNullElse(allowed.getProtocol(), "TCP");
            if (!allowedProtocol.equals(protocol)) {
                continue;
            }
            IntOrString value = allowed.getPort();
            if (value == null) {
                return true;
            }
            Integer number = value.getIntVal() != null ? value.getIntVal() : to.ports().stream()
                    .filter(p -> value.getStrVal().equals(p.getName())
                            && Objects.requireNonNullElse(p.getProtocol(), "TCP").equals(protocol))
                    .map(ContainerPort::getContainerPort).findFirst().orElse(null);
            if (number == null) {
                continue;
            }
            int end = allowed.getEndPort() != null ? allowed.getEndPort() : number;
            if (port >= number && port <= end) {
                return true;
            }
        }
        return false;
    }

    /** Kubernetes label selector semantics: every label and every expression must hold; {} selects all. */
    static boolean matches(LabelSelector selector, Map<String, String> labels) {
        if (selector.getMatchLabels() != null) {
            for (Map.Entry<String, String> label : selector.getMatchLabels().entrySet()) {
                if (!label.getValue().equals(labels.get(label.getKey()))) {
                    return false;
                }
            }
        }
        if (selector.getMatchExpressions() != null) {
            for (LabelSelectorRequirement requirement : selector.getMatchExpressions()) {
                String value = labels.get(requirement.getKey());
                boolean holds = switch (requirement.getOperator()) {
                    case "In" -> value != null && requirement.getValues().contains(value);
                    case "NotIn" -> value == null || !requirement.getValues().contains(value);
                    case "Exists" -> value != null;
                    case "DoesNotExist" -> value == null;
                    default -> throw new AssertionError("unknown operator " + requirement.getOperator());
                };
                if (!holds) {
                    return false;
                }
            }
        }
        return true;
    }
}
