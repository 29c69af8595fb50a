package io.messages.k8s;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HTTPGetAction;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.TopologySpreadConstraint;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.NamedRuleWithOperations;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingAdmissionPolicy;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingAdmissionPolicyBinding;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.helidon.common.media.type.MediaTypes;
import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import io.messages.testing.ChildJvm;
import jakarta.json.Json;
import io.messages.testing.TestConfig;

import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.both;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.lessThan;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;

/**
 * No cluster can run here, so the manifests are proven every other way: rendered by kubectl's
 * kustomize, parsed strictly against the Kubernetes model, cross-checked against the config the
 * app really reads, and the image's exact start command run with the rendered ConfigMap's config
 * while every probe path is called on the probe port.
 */
class KubernetesManifestsIT {
    private static final Path BASE = Path.of("k8s", "base");
    private static final Path POSTGRES = Path.of("k8s", "overlays", "postgres");
    // A live postgres overlay with its backups and the restore swapped in, as
    // k8s/components/postgres-restore says to use it (nothing in k8s/ is applied alone to restore).
    private static final String RESTORE = """
            resources:
              - k8s/overlays/postgres
            components:
              - k8s/components/postgres-backup
              - k8s/components/postgres-restore
            """;
    private static final Path PRODUCTION = Path.of("k8s", "overlays", "production");
    private static final Path PRODUCTION_POSTGRES = Path.of("k8s", "overlays", "production-postgres");
    private static final Path CONTAINERFILE = Path.of("k8s", "Containerfile");

    @Test
    void baseRendersAStrictlyValidSingleWriterStatefulSetMatchingTheAppsConfig() throws Exception {
        List<HasMetadata> objects = Manifests.render(BASE);
        StatefulSet set = Manifests.find(objects, StatefulSet.class, "messages");
        Config config = renderedConfig(objects);
        PodSpec pod = set.getSpec().getTemplate().getSpec();
        Container container = pod.getContainers().getFirst();

        assertThat("one writer per SQLite file", set.getSpec().getReplicas(), is(1));
        assertThat(set.getSpec().getVolumeClaimTemplates().getFirst().getMetadata().getName(), is("data"));
        assertThat(port(container, "http"), is(config.get("server.port").asInt().get()));
        assertThat(port(container, "admin"), is(adminPort(config)));
        assertThat(config.get("server.features.observe.sockets").asList(String.class).get(), hasItem("admin"));
        assertProbesOnTheAdminHealthPaths(container);
        // The SQLite file lives on the claimed volume, and the config file where the ConfigMap is.
        String url = env(container, "DB_CONNECTION_URL");
        assertThat(url, is("jdbc:sqlite:" + mount(container, "data") + "/messages.db"));
        assertThat(env(container, "MESSAGES_CONFIG"), is(mount(container, "config") + "/application.yaml"));
        assertEveryEnvVarIsAConfigKey(container, config);
        assertThat("longer than the drain delay (auto: 5 s in Kubernetes) and the shutdown grace together",
                   (long) pod.getTerminationGracePeriodSeconds(),
                   greaterThan(kubernetesDrainDelay(config) + config.get("server.shutdown-grace-period").asString()
                           .map(java.time.Duration::parse).get().toSeconds()));
        assertRestricted(pod, container);
        assertSizedAsMeasured(container);

        Service service = Manifests.find(objects, Service.class, "messages");
        assertThat(service.getSpec().getPorts().size(), is(1));
        assertThat(service.getSpec().getPorts().getFirst().getTargetPort().getStrVal(), is("http"));
        assertThat(service.getSpec().getSelector(), is(set.getSpec().getSelector().getMatchLabels()));
        assertThat("the Service selects the pods", set.getSpec().getTemplate().getMetadata().getLabels().entrySet()
                .containsAll(service.getSpec().getSelector().entrySet()), is(true));
        for (HasMetadata object : objects) {
            assertThat(object.getKind() + " carries the common labels", object.getMetadata().getLabels(),
                       org.hamcrest.Matchers.hasEntry("app.kubernetes.io/name", "messages"));
        }
    }

    @Test
    void postgresOverlayDeploysAnHaPostgresThroughCloudNativePgAndAutoscaledReplicasThatFitItsConnections()
            throws Exception {
        List<HasMetadata> objects = Manifests.render(POSTGRES);
        Deployment deployment = Manifests.find(objects, Deployment.class, "messages");
        PodSpec pod = deployment.getSpec().getTemplate().getSpec();
        Container container = pod.getContainers().getFirst();
        GenericKubernetesResource cluster = Manifests.find(objects, GenericKubernetesResource.class, "messages-db");
        HorizontalPodAutoscaler autoscaler = Manifests.find(objects, HorizontalPodAutoscaler.class, "messages");
        PodDisruptionBudget budget = Manifests.find(objects, PodDisruptionBudget.class, "messages");
        Map<String, Object> spec = field(cluster.getAdditionalProperties(), "spec");

        assertThat(objects.stream().filter(StatefulSet.class::isInstance).toList(), is(empty()));
        assertThat(objects.stream().filter(Secret.class::isInstance).toList(), is(empty()));
        // Three PostgreSQL instances; a commit waits for one standby of two (quorum), and the
        // webhook's rule holds: 0 < number < instances.
        assertThat(cluster.getApiVersion(), is("postgresql.cnpg.io/v1"));
        assertThat(spec.get("instances"), is(3));
        Map<String, Object> synchronous = field(field(spec, "postgresql"), "synchronous");
        assertThat(synchronous.get("method"), is("any"));
        assertThat((Integer) synchronous.get("number"), is(both(greaterThan(0)).and(lessThan(3))));
        assertThat(synchronous.get("dataDurability"), is("required"));
        assertThat("no legacy settings beside it", spec.containsKey("minSyncReplicas") || spec.containsKey("maxSyncReplicas"),
                   is(false));
        assertThat(spec.get("enablePDB"), is(true));
        Map<String, Object> initdb = field(field(spec, "bootstrap"), "initdb");
        assertThat(initdb.get("database"), is("messages"));
        assertThat(initdb.get("owner"), is("messages"));
        assertThat("bootstrap makes the -app Secret only when none is given", initdb.containsKey("secret"), is(false));
        assertThat(field(spec, "storage").get("size"), is(notNullValue()));
        assertThat("the WAL on a volume of its own", field(spec, "walStorage").get("size"), is(notNullValue()));
        assertThat(field(field(spec, "resources"), "requests").keySet(), hasItem("memory"));
        assertThat("Guaranteed QoS", field(field(spec, "resources"), "limits"), is(field(field(spec, "resources"), "requests")));
        // Placement: a node of its own for each instance, always; spread over zones; above the service.
        assertThat(field(spec, "affinity").get("podAntiAffinityType"), is("required"));
        @SuppressWarnings("unchecked")
        Map<String, Object> zones = ((List<Map<String, Object>>) spec.get("topologySpreadConstraints")).getFirst();
        assertThat(zones.get("topologyKey"), is("topology.kubernetes.io/zone"));
        assertThat(field(field(zones, "labelSelector"), "matchLabels").get("cnpg.io/cluster"),
                   is(cluster.getMetadata().getName()));
        io.fabric8.kubernetes.api.model.scheduling.v1.PriorityClass priority = Manifests.find(
                objects, io.fabric8.kubernetes.api.model.scheduling.v1.PriorityClass.class, (String) spec.get("priorityClassName"));
        assertThat("above the service's pods (no priority: 0)", priority.getValue(), greaterThan(0));
        assertThat(pod.getPriorityClassName(), is(nullValue()));

        // The service connects as the application user, through the -rw Service, from the Secret
        // the operator makes: no hand-made password.
        EnvVar url = container.getEnv().stream().filter(e -> e.getName().equals("DB_CONNECTION_URL")).findFirst()
                .orElseThrow();
        assertThat(url.getValueFrom().getSecretKeyRef().getName(), is(cluster.getMetadata().getName() + "-app"));
        assertThat(url.getValueFrom().getSecretKeyRef().getKey(), is("jdbc-uri"));

        // Replicas that scale, and a drain can always evict one of them.
        assertThat(deployment.getSpec().getReplicas(), is(nullValue()));
        assertThat(autoscaler.getSpec().getScaleTargetRef().getKind(), is("Deployment"));
        assertThat(autoscaler.getSpec().getScaleTargetRef().getName(), is(deployment.getMetadata().getName()));
        assertThat(autoscaler.getSpec().getMetrics().getFirst().getResource().getName(), is("cpu"));
        // One replica at a time through drains whatever the count, two serving at least; a pod
        // that is not ready never blocks a drain.
        assertThat(budget.getSpec().getMinAvailable(), is(nullValue()));
        assertThat(budget.getSpec().getMaxUnavailable().getIntVal(), is(1));
        assertThat(budget.getSpec().getUnhealthyPodEvictionPolicy(), is("AlwaysAllow"));
        assertThat(autoscaler.getSpec().getMinReplicas() - budget.getSpec().getMaxUnavailable().getIntVal(),
                   is(greaterThan(1)));
        assertThat(budget.getSpec().getSelector().getMatchLabels(), is(deployment.getSpec().getSelector().getMatchLabels()));
        // Spread over zones and nodes, as a preference that never leaves a pod pending.
        assertThat(pod.getTopologySpreadConstraints().stream().map(TopologySpreadConstraint::getTopologyKey).toList(),
                   is(List.of("topology.kubernetes.io/zone", "kubernetes.io/hostname")));
        for (TopologySpreadConstraint spread : pod.getTopologySpreadConstraints()) {
            assertThat(spread.getWhenUnsatisfiable(), is("ScheduleAnyway"));
            assertThat(spread.getMaxSkew(), is(1));
            assertThat(spread.getMatchLabelKeys(), is(List.of("pod-template-hash")));
            assertThat(spread.getTopologyKey() + " counts this Deployment's pods",
                       NetworkPolicies.matches(spread.getLabelSelector(), deployment.getSpec().getTemplate().getMetadata()
                               .getLabels()), is(true));
        }
        assertThat(deployment.getSpec().getStrategy().getRollingUpdate().getMaxUnavailable().getIntVal(), is(0));

        // Every pod the autoscaler may run, plus one more during a rollout, with a full pool each,
        // fits PostgreSQL's connections beside its superuser reserve (3) and the operator's (10).
        int pool = Integer.parseInt(env(container, "DB_CONNECTION_MAXIMUMPOOLSIZE"));
        int pods = autoscaler.getSpec().getMaxReplicas()
                + deployment.getSpec().getStrategy().getRollingUpdate().getMaxSurge().getIntVal();
        int maxConnections = Integer.parseInt((String) field(field(spec, "postgresql"), "parameters").get("max_connections"));
        assertThat(pods + " pods x " + pool + " connections", pods * pool + 3 + 10, lessThan(maxConnections + 1));

        Service service = Manifests.find(objects, Service.class, "messages");
        assertThat("the Service selects the pods", deployment.getSpec().getTemplate().getMetadata().getLabels().entrySet()
                .containsAll(service.getSpec().getSelector().entrySet()), is(true));
        assertEveryEnvVarIsAConfigKey(container, renderedConfig(objects));
        assertProbesOnTheAdminHealthPaths(container);
        assertRestricted(pod, container);
        assertSizedAsMeasured(container);
    }

    @Test
    void sqliteShapeIsGovernedByAHeadlessServiceAndASecondReplicaRefusesToStart() throws Exception {
        List<HasMetadata> objects = Manifests.render(BASE);
        StatefulSet set = Manifests.find(objects, StatefulSet.class, "messages");
        PodSpec pod = set.getSpec().getTemplate().getSpec();
        Service governing = Manifests.find(objects, Service.class, set.getSpec().getServiceName());

        assertThat(governing.getMetadata().getName(), is(set.getSpec().getServiceName()));
        assertThat("the StatefulSet's serviceName is headless", governing.getSpec().getClusterIP(), is("None"));
        assertThat("it governs the StatefulSet's pods", set.getSpec().getTemplate().getMetadata().getLabels().entrySet()
                .containsAll(governing.getSpec().getSelector().entrySet()), is(true));
        assertThat("clients keep the load-balanced Service", Manifests.find(objects, Service.class, "messages")
                .getSpec().getClusterIP(), is(nullValue()));

        // Every pod but the first stops in an init container of the same image, saying why.
        Container guard = pod.getInitContainers().getFirst();
        assertThat(guard.getName(), is("single-replica"));
        assertThat(guard.getImage(), is(pod.getContainers().getFirst().getImage()));
        assertThat(guard.getCommand().subList(0, 2), is(List.of("sh", "-c")));
        assertThat(valueFrom(guard, "POD_NAME").getFieldRef().getFieldPath(), is("metadata.name"));
        assertThat("the message shows in kubectl describe", guard.getTerminationMessagePolicy(), is("FallbackToLogsOnError"));
        assertRestricted(pod, guard);
        // Its exact command, run here as the kubelet runs it in pods messages-0 and messages-1.
        Guard first = runGuard(guard, set.getMetadata().getName() + "-0");
        assertThat(first.output(), first.exit(), is(0));
        assertThat(first.output(), is(""));
        Guard second = runGuard(guard, set.getMetadata().getName() + "-1");
        assertThat(second.output(), second.exit(), is(1));
        assertThat(second.output(), containsString("messages: the SQLite shape runs exactly one replica; messages-1 would be"
                                                           + " a second, independent database behind the same Service."));
        assertThat(second.output(), containsString("kubectl scale statefulset/messages --replicas=1"));
    }

    private record Guard(int exit, String output) {
    }

    private static Guard runGuard(Container guard, String podName) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(guard.getCommand()).redirectErrorStream(true);
        builder.environment().keySet().retainAll(List.of("PATH"));
        for (EnvVar var : guard.getEnv()) {
            assertThat("the downward API gives only the pod's name", var.getValueFrom().getFieldRef().getFieldPath(),
                       is("metadata.name"));
            builder.environment().put(var.getName(), podName);
        }
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(10, TimeUnit.SECONDS), is(true));
        return new Guard(process.exitValue(), output);
    }

    @Test
    void sqliteSingleReplicaPolicyDeniesMoreReplicasOnTheStatefulSetAndItsScaleSubresource() throws Exception {
        List<HasMetadata> objects = Manifests.render(withComponent("k8s/base", "k8s/components/sqlite-single-replica"));
        StatefulSet set = Manifests.find(objects, StatefulSet.class, "messages");
        ValidatingAdmissionPolicy policy = Manifests.find(objects, ValidatingAdmissionPolicy.class,
                                                          "messages-sqlite-single-replica");
        ValidatingAdmissionPolicyBinding binding = Manifests.find(objects, ValidatingAdmissionPolicyBinding.class,
                                                                  "messages-sqlite-single-replica");

        NamedRuleWithOperations rule = policy.getSpec().getMatchConstraints().getResourceRules().getFirst();
        assertThat(rule.getApiGroups(), is(List.of("apps")));
        assertThat(rule.getResources(), is(List.of("statefulsets", "statefulsets/scale")));
        assertThat(rule.getOperations(), is(List.of("CREATE", "UPDATE")));
        assertThat(policy.getSpec().getMatchConditions().getFirst().getExpression(),
                   is("object.metadata.name == '" + set.getMetadata().getName() + "'"));
        assertThat(policy.getSpec().getFailurePolicy(), is("Fail"));
        // StatefulSet and Scale both carry spec.replicas.
        assertThat(policy.getSpec().getValidations().getFirst().getExpression(),
                   is("!has(object.spec.replicas) || object.spec.replicas <= " + set.getSpec().getReplicas()));
        assertThat(policy.getSpec().getValidations().getFirst().getMessageExpression(),
                   containsString("messages: the SQLite shape runs exactly one replica"));
        assertThat(binding.getSpec().getPolicyName(), is(policy.getMetadata().getName()));
        assertThat(binding.getSpec().getValidationActions(), is(List.of("Deny")));
    }

    @Test
    void networkPoliciesLetThePublicPortInFromTheNamespaceAndTheIngressControllerAndTheAdminPortOnlyFromMonitoring()
            throws Exception {
        for (Path shape : List.of(BASE, POSTGRES)) {
            List<HasMetadata> objects = Manifests.render(shape);
            NetworkPolicies policies = NetworkPolicies.of(objects);
            NetworkPolicies.Pod service = servicePod(objects);
            int http = port(service, "http");
            int admin = port(service, "admin");

            assertThat(shape + ": a pod of the namespace -> http", policies.allows(NEIGHBOUR, service, http), is(true));
            assertThat(shape + ": ingress controller -> http", policies.allows(INGRESS_CONTROLLER, service, http), is(true));
            assertThat(shape + ": another namespace -> http", policies.allows(ELSEWHERE, service, http), is(false));
            assertThat(shape + ": Prometheus -> admin", policies.allows(PROMETHEUS, service, admin), is(true));
            assertThat(shape + ": a pod of the namespace -> admin", policies.allows(NEIGHBOUR, service, admin), is(false));
            assertThat(shape + ": ingress controller -> admin", policies.allows(INGRESS_CONTROLLER, service, admin), is(false));
            assertThat(shape + ": another namespace -> admin", policies.allows(ELSEWHERE, service, admin), is(false));
            // Out: DNS, and nothing else the service does not need.
            assertThat(shape + ": -> DNS (UDP)", policies.allows(service, DNS, 53, "UDP"), is(true));
            assertThat(shape + ": -> DNS (TCP)", policies.allows(service, DNS, 53, "TCP"), is(true));
            assertThat(shape + ": -> anything else", policies.allows(service, ELSEWHERE, 443), is(false));
            assertThat(shape + ": -> the API server's port", policies.allows(service, ELSEWHERE, 6443), is(false));
        }
    }

    @Test
    void onlyTheServiceTheOperatorAndTheClustersOwnPodsReachPostgres() throws Exception {
        List<HasMetadata> objects = Manifests.render(POSTGRES);
        NetworkPolicies policies = NetworkPolicies.of(objects);
        NetworkPolicies.Pod service = servicePod(objects);
        String cluster = Manifests.find(objects, GenericKubernetesResource.class, "messages-db").getMetadata().getName();
        NetworkPolicies.Pod primary = cnpgInstance(cluster, 1);
        NetworkPolicies.Pod standby = cnpgInstance(cluster, 2);
        // A job the operator runs to clone a new standby from the primary (pg_basebackup).
        NetworkPolicies.Pod join = NetworkPolicies.Pod.in(NetworkPolicies.HOME, Map.of(
                "cnpg.io/cluster", cluster, "cnpg.io/instanceName", cluster + "-4", "cnpg.io/jobRole", "join",
                "app.kubernetes.io/name", "postgresql", "app.kubernetes.io/component", "database",
                "app.kubernetes.io/managed-by", "cloudnative-pg"));

        assertThat("service -> PostgreSQL", policies.allows(service, primary, 5432), is(true));
        assertThat("the status port is the operator's", policies.allows(service, primary, 8000), is(false));
        assertThat("a pod of the namespace", policies.allows(NEIGHBOUR, primary, 5432), is(false));
        assertThat("ingress controller", policies.allows(INGRESS_CONTROLLER, primary, 5432), is(false));
        assertThat("another namespace", policies.allows(ELSEWHERE, primary, 5432), is(false));
        assertThat("operator -> PostgreSQL", policies.allows(CNPG_OPERATOR, primary, 5432), is(true));
        assertThat("operator -> instance manager status", policies.allows(CNPG_OPERATOR, primary, 8000), is(true));
        assertThat("another pod of the operator's namespace", policies.allows(
                NetworkPolicies.Pod.in("cnpg-system", Map.of("app", "other")), primary, 8000), is(false));
        assertThat("replication", policies.allows(standby, primary, 5432), is(true));
        assertThat("instance -> instance manager", policies.allows(standby, primary, 8000), is(true));
        assertThat("cloning a standby", policies.allows(join, primary, 5432), is(true));
        assertThat("metrics", policies.allows(PROMETHEUS, primary, 9187), is(true));
        assertThat("Prometheus -> PostgreSQL", policies.allows(PROMETHEUS, primary, 5432), is(false));
        // The service reaches no database but its own namespace's.
        assertThat("service -> a database of another namespace",
                   policies.allows(service, cnpgInstance(cluster, 1).movedTo("elsewhere"), 5432), is(false));
    }

    @Test
    void anOverlayChoosesTheIngressControllerAndMonitoringNamespaces() throws Exception {
        // As docs/kubernetes-production.md shows it.
        List<HasMetadata> objects = Manifests.render(userKustomization("""
                resources:
                  - k8s/overlays/postgres
                patches:
                  - target: {kind: NetworkPolicy, name: messages-from-ingress-controller}
                    patch: |-
                      - {op: replace, path: /spec/ingress/0/from/0/namespaceSelector/matchLabels/kubernetes.io~1metadata.name, value: traefik}
                  - target: {kind: NetworkPolicy, name: .*-from-monitoring}
                    patch: |-
                      - {op: replace, path: /spec/ingress/0/from/0/namespaceSelector/matchLabels/kubernetes.io~1metadata.name, value: observability}
                """));
        NetworkPolicies policies = NetworkPolicies.of(objects);
        NetworkPolicies.Pod service = servicePod(objects);
        NetworkPolicies.Pod traefik = INGRESS_CONTROLLER.movedTo("traefik");
        NetworkPolicies.Pod prometheus = PROMETHEUS.movedTo("observability");

        assertThat(policies.allows(traefik, service, port(service, "http")), is(true));
        assertThat(policies.allows(INGRESS_CONTROLLER, service, port(service, "http")), is(false));
        assertThat(policies.allows(prometheus, service, port(service, "admin")), is(true));
        assertThat(policies.allows(PROMETHEUS, service, port(service, "admin")), is(false));
        assertThat(policies.allows(prometheus, cnpgInstance("messages-db", 1), 9187), is(true));
        assertThat(policies.allows(PROMETHEUS, cnpgInstance("messages-db", 1), 9187), is(false));
    }

    private static final NetworkPolicies.Pod NEIGHBOUR = NetworkPolicies.Pod.in(NetworkPolicies.HOME, Map.of("app", "other"));
    private static final NetworkPolicies.Pod ELSEWHERE = NetworkPolicies.Pod.in("elsewhere", Map.of("app", "other"),
            NetworkPolicies.port("https", 443, "TCP"));
    private static final NetworkPolicies.Pod INGRESS_CONTROLLER = NetworkPolicies.Pod.in("ingress-nginx",
            Map.of("app.kubernetes.io/name", "ingress-nginx"));
    private static final NetworkPolicies.Pod PROMETHEUS = NetworkPolicies.Pod.in("monitoring",
            Map.of("app.kubernetes.io/name", "prometheus"));
    private static final NetworkPolicies.Pod DNS = NetworkPolicies.Pod.in("kube-system", Map.of("k8s-app", "kube-dns"),
            NetworkPolicies.port("dns", 53, "UDP"), NetworkPolicies.port("dns-tcp", 53, "TCP"));
    // The operator's pod, labelled as its release manifest (and Helm chart) label it.
    private static final NetworkPolicies.Pod CNPG_OPERATOR = NetworkPolicies.Pod.in("cnpg-system",
            Map.of("app.kubernetes.io/name", "cloudnative-pg"));

    // An instance pod of a CloudNativePG cluster, labelled as the operator labels it (1.30, pkg/specs/pods.go).
    private static NetworkPolicies.Pod cnpgInstance(String cluster, int serial) {
        return NetworkPolicies.Pod.in(NetworkPolicies.HOME, Map.of(
                        "cnpg.io/cluster", cluster, "cnpg.io/instanceName", cluster + "-" + serial,
                        "cnpg.io/podRole", "instance", "cnpg.io/instanceRole", serial == 1 ? "primary" : "replica",
                        "app.kubernetes.io/name", "postgresql", "app.kubernetes.io/instance", cluster,
                        "app.kubernetes.io/component", "database", "app.kubernetes.io/managed-by", "cloudnative-pg"),
                NetworkPolicies.port("postgresql", 5432, "TCP"), NetworkPolicies.port("metrics", 9187, "TCP"),
                NetworkPolicies.port("status", 8000, "TCP"));
    }

    // The service's pod, as its StatefulSet or Deployment makes it.
    private static NetworkPolicies.Pod servicePod(List<HasMetadata> objects) {
        PodTemplateSpec template = objects.stream()
                .map(o -> o instanceof StatefulSet set ? set.getSpec().getTemplate()
                        : o instanceof Deployment deployment ? deployment.getSpec().getTemplate() : null)
                .filter(Objects::nonNull).findFirst().orElseThrow();
        return new NetworkPolicies.Pod(NetworkPolicies.HOME, template.getMetadata().getLabels(),
                                       template.getSpec().getContainers().getFirst().getPorts());
    }

    // The PostgreSQL version of the tests' embedded binaries (pom.xml's version.postgres-binaries,
    // 17.11.0 for PostgreSQL 17.11).
    private static String testedPostgres() throws IOException {
        Matcher version = Pattern.compile("<version.postgres-binaries>(\\d+\\.\\d+)\\.\\d+</version.postgres-binaries>")
                .matcher(Files.readString(Path.of("pom.xml")));
        assertThat("pom.xml's version.postgres-binaries", version.find(), is(true));
        return version.group(1);
    }

    private static int port(NetworkPolicies.Pod pod, String name) {
        return pod.ports().stream().filter(p -> name.equals(p.getName())).map(ContainerPort::getContainerPort)
                .findFirst().orElseThrow();
    }

    @Test
    void everyImageIsPinnedByDigestWithATagForPeopleAndForTheOperator() throws Exception {
        Pattern pinned = Pattern.compile("^[^@\\s]+:([^:@/\\s]+)@sha256:[0-9a-f]{64}$");
        String tested = testedPostgres();
        for (Path shape : List.of(BASE, POSTGRES, userKustomization(RESTORE))) {
            List<HasMetadata> objects = Manifests.render(shape);
            List<PodSpec> pods = objects.stream()
                    .map(o -> o instanceof StatefulSet set ? set.getSpec().getTemplate().getSpec()
                            : o instanceof Deployment deployment ? deployment.getSpec().getTemplate().getSpec() : null)
                    .filter(Objects::nonNull).toList();
            assertThat(pods, is(not(empty())));
            for (PodSpec pod : pods) {
                for (Container container : java.util.stream.Stream.concat(pod.getInitContainers().stream(),
                                                                          pod.getContainers().stream()).toList()) {
                    assertThat(shape + ": " + container.getName(), pinned.matcher(container.getImage()).matches(), is(true));
                }
            }
            for (HasMetadata cluster : objects.stream().filter(o -> o.getKind().equals("Cluster")).toList()) {
                String image = (String) field(((GenericKubernetesResource) cluster).getAdditionalProperties(), "spec")
                        .get("imageName");
                Matcher tag = pinned.matcher(image);
                assertThat(shape + ": " + image, tag.matches(), is(true));
                // CloudNativePG's webhook: a tag is required, not "latest", starting with the
                // PostgreSQL version it reads (machinery's reference and version packages).
                assertThat(image, tag.group(1), startsWith("17."));
                // What the suite proves is what production runs: the tests' PostgreSQL (zonky's
                // embedded binaries, pom.xml) is the image's version.
                assertThat(image + " against the tests' PostgreSQL " + tested, tag.group(1), startsWith(tested + "-"));
            }
        }
        // The image's own base images: what the build starts from is pinned too.
        Matcher from = Pattern.compile("(?m)^FROM (\\S+)").matcher(Files.readString(CONTAINERFILE));
        int bases = 0;
        while (from.find()) {
            bases++;
            assertThat("k8s/Containerfile: " + from.group(1), pinned.matcher(from.group(1)).matches(), is(true));
        }
        assertThat("k8s/Containerfile's FROM lines", bases, is(2));
    }

    @Test
    void theImageTrainsItsAotCacheInThePodsShapeAndThePodsJvmUsesIt() throws Exception {
        Container container = Manifests.find(Manifests.render(BASE), StatefulSet.class, "messages").getSpec()
                .getTemplate().getSpec().getContainers().getFirst();
        long limit = Quantity.getAmountInBytes(container.getResources().getLimits().get("memory")).longValueExact();
        List<String> entrypoint = imageCommand();
        List<String> training = trainingCommand();

        // The same JVM options, but for which side of the cache each is and the pod's memory
        // limit standing in for the build host's RAM.
        assertThat(jvmOptions(training).stream().filter(o -> !o.startsWith("-XX:AOTCacheOutput=")
                && !o.startsWith("-XX:MaxRAM=")).toList(),
                   is(jvmOptions(entrypoint).stream().filter(o -> !o.startsWith("-XX:AOTCache=")).toList()));
        assertThat(training, hasItem("-XX:MaxRAM=" + limit / (1024 * 1024) + "m"));
        assertThat("the collector the figures were measured with", entrypoint, hasItem("-XX:+UseG1GC"));
        assertThat(entrypoint, hasItem("--enable-native-access=ALL-UNNAMED"));

        // For real: the image build's training run, then the pod's JVM with the cache required
        // (AOTMode=on: it exits if it cannot use the cache), MaxRAM standing in for the limit.
        Path dir = TestConfig.tempDir();
        Path cache = dir.resolve("messages.aot");
        training.replaceAll(arg -> arg.replace("/app/messages.aot", cache.toString()));
        ProcessBuilder train = new ProcessBuilder(training).redirectErrorStream(true)
                .redirectOutput(dir.resolve("training.log").toFile());
        // The build stage sets neither (ENV comes after the training run): config/application.yaml.
        train.environment().remove("MESSAGES_CONFIG");
        train.environment().remove("DB_CONNECTION_URL");
        Process trainer = train.start();
        try {
            assertThat("training within 3 minutes", trainer.waitFor(180, TimeUnit.SECONDS), is(true));
            assertThat(Files.readString(dir.resolve("training.log")), trainer.exitValue(), is(0));
        } finally {
            trainer.destroyForcibly();
        }
        assertThat(Files.exists(cache), is(true));

        List<String> pod = new ArrayList<>(entrypoint);
        pod.replaceAll(arg -> arg.replace("/app/messages.aot", cache.toString()));
        pod.addAll(1, List.of("-XX:AOTMode=on", "-XX:MaxRAM=" + limit));
        pod.add("migrate");
        ProcessBuilder run = new ProcessBuilder(pod).redirectErrorStream(true);
        run.environment().put("MESSAGES_CONFIG", Path.of("config", "application.yaml").toAbsolutePath().toString());
        run.environment().put("DB_CONNECTION_URL", "jdbc:sqlite:" + dir.resolve("messages.db"));
        Process process = run.start();
        try {
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(process.waitFor(60, TimeUnit.SECONDS), is(true));
            assertThat(output, process.exitValue(), is(0));
            assertThat(output, containsString("messages: schema at version"));
        } finally {
            process.destroyForcibly();
        }
    }

    // The Containerfile's training run (RUN java ... train), with the jar where the build put it and this JVM's java.
    private static List<String> trainingCommand() throws Exception {
        Matcher run = Pattern.compile("(?m)^RUN (java [^\\\\&\\n]*?)\\s*(\\\\|&&|$)")
                .matcher(Files.readString(CONTAINERFILE, StandardCharsets.UTF_8));
        assertThat("k8s/Containerfile has a training run", run.find(), is(true));
        List<String> command = new ArrayList<>(List.of(run.group(1).split("\\s+")));
        assertThat(command.getLast(), is("train"));
        command.set(0, ProcessHandle.current().info().command().orElseThrow());
        command.replaceAll(arg -> arg.equals("/app/messages.jar")
                ? System.getProperty("messages.jar", "target/messages.jar") : arg);
        return command;
    }

    // The JVM's options: between java and -jar.
    private static List<String> jvmOptions(List<String> command) {
        return command.subList(1, command.indexOf("-jar"));
    }

    @Test
    void backupComponentArchivesWalAndTakesNightlyBaseBackupsThroughTheBarmanCloudPlugin() throws Exception {
        List<HasMetadata> objects = Manifests.render(withComponent("k8s/overlays/postgres", "k8s/components/postgres-backup"));
        assertBackedUp(objects, "messages-db");
        assertThat("no credentials in the manifests", objects.stream().filter(Secret.class::isInstance).toList(),
                   is(empty()));
    }

    // The cluster archives its WAL through the plugin into the object store, and a schedule takes
    // base backups of it through the same plugin.
    @SuppressWarnings("unchecked")
    private static void assertBackedUp(List<HasMetadata> objects, String cluster) {
        Map<String, Object> spec = field(Manifests.custom(objects, "Cluster", cluster), "spec");
        Map<String, Object> store = Manifests.custom(objects, "ObjectStore", "messages-db-backup");
        Map<String, Object> plugin = ((List<Map<String, Object>>) spec.get("plugins")).getFirst();
        assertThat(plugin.get("name"), is("barman-cloud.cloudnative-pg.io"));
        assertThat(plugin.get("isWALArchiver"), is(true));
        assertThat(field(plugin, "parameters").get("barmanObjectName"), is("messages-db-backup"));
        assertThat("the archive's folder is the cluster's own", field(plugin, "parameters").containsKey("serverName"),
                   is(false));
        Map<String, Object> configuration = field(field(store, "spec"), "configuration");
        assertThat("left empty, as the plugin requires", configuration.containsKey("serverName"), is(false));
        assertThat(field(configuration, "s3Credentials").toString(), containsString("messages-db-backup-s3"));
        assertThat(field(store, "spec").get("retentionPolicy"), is("30d"));

        List<Map<String, Object>> schedules = objects.stream()
                .filter(o -> o.getKind().equals("ScheduledBackup"))
                .map(o -> field(((GenericKubernetesResource) o).getAdditionalProperties(), "spec")).toList();
        assertThat(schedules.size(), is(1));
        Map<String, Object> schedule = schedules.getFirst();
        assertThat(field(schedule, "cluster").get("name"), is(cluster));
        assertThat(schedule.get("method"), is("plugin"));
        assertThat(field(schedule, "pluginConfiguration").get("name"), is(plugin.get("name")));
        assertThat("six fields, seconds first (the operator's cron)", schedule.get("schedule").toString().split(" ").length,
                   is(6));
        assertThat("a base backup at once: the WAL archive alone restores nothing", schedule.get("immediate"), is(true));
    }

    @Test
    void restoreComponentRecoversTheBackupsIntoANewClusterAndPointsTheServiceAtIt() throws Exception {
        List<HasMetadata> live = Manifests.render(withComponent("k8s/overlays/postgres", "k8s/components/postgres-backup"));
        List<HasMetadata> objects = Manifests.render(userKustomization(RESTORE));
        Map<String, Object> original = Manifests.custom(live, "Cluster", "messages-db");
        List<HasMetadata> clusters = objects.stream().filter(o -> o.getKind().equals("Cluster")).toList();
        assertThat(clusters.size(), is(1));
        String name = clusters.getFirst().getMetadata().getName();
        Map<String, Object> spec = field(Manifests.custom(objects, "Cluster", name), "spec");
        Map<String, Object> originalSpec = field(original, "spec");

        assertThat("a new cluster: the old one stays until deleted by hand", name, is(not("messages-db")));
        // Bootstrapped by recovery only (the webhook allows one method), into the same database and owner.
        Map<String, Object> recovery = field(field(spec, "bootstrap"), "recovery");
        assertThat(field(spec, "bootstrap").keySet(), is(java.util.Set.of("recovery")));
        Map<String, Object> initdb = field(field(originalSpec, "bootstrap"), "initdb");
        assertThat(recovery.get("database"), is(initdb.get("database")));
        assertThat(recovery.get("owner"), is(initdb.get("owner")));
        // From messages-db's folder of the object store its backups go to.
        @SuppressWarnings("unchecked")
        Map<String, Object> source = ((List<Map<String, Object>>) spec.get("externalClusters")).stream()
                .filter(c -> c.get("name").equals(recovery.get("source"))).findFirst().orElseThrow();
        Map<String, Object> parameters = field(field(source, "plugin"), "parameters");
        assertThat(field(source, "plugin").get("name"), is("barman-cloud.cloudnative-pg.io"));
        assertThat(parameters.get("barmanObjectName"), is("messages-db-backup"));
        assertThat(parameters.get("serverName"), is("messages-db"));
        // Spread over zones among its own instances.
        @SuppressWarnings("unchecked")
        Map<String, Object> spread = ((List<Map<String, Object>>) spec.get("topologySpreadConstraints")).getFirst();
        assertThat(field(field(spread, "labelSelector"), "matchLabels").get("cnpg.io/cluster"), is(name));
        // Otherwise the very cluster it was: the same HA, storage, resources and image.
        Map<String, Object> same = new java.util.HashMap<>(spec);
        Map<String, Object> before = new java.util.HashMap<>(originalSpec);
        for (String key : List.of("bootstrap", "externalClusters", "topologySpreadConstraints")) {
            same.remove(key);
            before.remove(key);
        }
        assertThat(same, is(before));
        // It is backed up in turn, into its own folder (its own name), and the service uses it.
        assertBackedUp(objects, name);
        Container container = Manifests.find(objects, Deployment.class, "messages").getSpec().getTemplate().getSpec()
                .getContainers().getFirst();
        assertThat(valueFrom(container, "DB_CONNECTION_URL").getSecretKeyRef().getName(), is(name + "-app"));
        NetworkPolicies policies = NetworkPolicies.of(objects);
        assertThat(policies.allows(servicePod(objects), cnpgInstance(name, 1), 5432), is(true));
        assertThat(policies.allows(CNPG_OPERATOR, cnpgInstance(name, 1), 8000), is(true));

        // Migrated first (the postgres overlay's migrate-first), against the restored cluster too.
        PodSpec pod = Manifests.find(objects,
                                     Deployment.class, "messages").getSpec().getTemplate().getSpec();
        assertThat(valueFrom(pod.getInitContainers().getFirst(), "DB_CONNECTION_URL").getSecretKeyRef().getName(),
                   is(name + "-app"));

        // A point in time and the bucket, set by an overlay as docs/kubernetes-production.md shows.
        List<HasMetadata> pointInTime = Manifests.render(userKustomization(RESTORE + """
                patches:
                  - target: {kind: Cluster, name: messages-db-restored}
                    patch: |-
                      - {op: add, path: /spec/bootstrap/recovery/recoveryTarget, value: {targetTime: "2026-12-01 09:59:00+00"}}
                  - target: {kind: ObjectStore, name: messages-db-backup}
                    patch: |-
                      - {op: replace, path: /spec/configuration/destinationPath, value: "s3://your-bucket/messages"}
                """));
        Map<String, Object> restored = field(field(Manifests.custom(pointInTime, "Cluster", name), "spec"), "bootstrap");
        assertThat(field(field(restored, "recovery"), "recoveryTarget").get("targetTime"), is("2026-12-01 09:59:00+00"));
        assertThat(field(field(Manifests.custom(pointInTime, "ObjectStore", "messages-db-backup"), "spec"), "configuration")
                           .get("destinationPath"), is("s3://your-bucket/messages"));

        // The restored cluster archives under its own name (the plugin's default server name); a
        // rehearsal under a folder of its own, both reading messages-db's.
        List<HasMetadata> rehearsal = Manifests.render(userKustomization(
                RESTORE + "  - k8s/components/postgres-restore-rehearsal\n"));
        Map<String, Object> rehearsed = field(Manifests.custom(rehearsal, "Cluster", name), "spec");
        assertThat(archivedUnder(name, spec), is(name));
        assertThat(archivedUnder(name, rehearsed), is("messages-db-rehearsal"));
        assertThat(rehearsed.get("externalClusters"), is(spec.get("externalClusters")));
    }

    // The folder of the bucket a cluster archives its WAL and base backups into: the plugin's
    // serverName, by default the cluster's name.
    @SuppressWarnings("unchecked")
    private static String archivedUnder(String cluster, Map<String, Object> clusterSpec) {
        Map<String, Object> plugin = ((List<Map<String, Object>>) clusterSpec.get("plugins")).getFirst();
        assertThat(plugin.get("isWALArchiver"), is(true));
        return (String) field(plugin, "parameters").getOrDefault("serverName", cluster);
    }

    @Test
    void everyShapeOverlayAndComponentRendersAndEveryPodTemplateInItPassesTheRestrictedStandard() throws Exception {
        List<Path> renders = new ArrayList<>(List.of(BASE, POSTGRES, userKustomization(RESTORE),
                                                     userKustomization(RESTORE + "  - k8s/components/postgres-restore-rehearsal\n"),
                                                     userKustomization(RESTORE.replace("  - k8s/components/postgres-restore\n",
                                                             "  - k8s/components/postgres-service-role\n  - k8s/components/postgres-restore\n")),
                                                     Path.of("k8s", "restore-sqlite"),
                                                     PRODUCTION, PRODUCTION.resolve("restore"), PRODUCTION_POSTGRES,
                                                     productionPostgresWithTheRestore()));
        for (String component : List.of("sqlite-offsite-backup", "sqlite-single-replica", "monitoring")) {
            renders.add(withComponent("k8s/base", "k8s/components/" + component));
        }
        for (String component : List.of("postgres-backup", "postgres-service-role", "monitoring", "monitoring-postgres")) {
            renders.add(withComponent("k8s/overlays/postgres", "k8s/components/" + component));
        }
        for (Path render : renders) {
            int templates = 0;
            for (HasMetadata object : Manifests.render(render)) {
                PodTemplateSpec template = object instanceof StatefulSet set ? set.getSpec().getTemplate()
                        : object instanceof Deployment deployment ? deployment.getSpec().getTemplate()
                        : object instanceof io.fabric8.kubernetes.api.model.batch.v1.Job job ? job.getSpec().getTemplate()
                        : null;
                if (template != null) {
                    templates++;
                    PodSpec pod = template.getSpec();
                    for (Container container : pod.getInitContainers()) {
                        assertRestricted(pod, container);
                    }
                    for (Container container : pod.getContainers()) {
                        assertRestricted(pod, container);
                    }
                }
            }
            assertThat(render + " has a pod template", templates, greaterThan(0));
        }
    }

    @Test
    void productionOverlayPutsEverythingInARestrictedNamespaceAndSharesItsImageAndBucketWithItsRestore()
            throws Exception {
        List<HasMetadata> objects = Manifests.render(PRODUCTION);
        assertTheProductionSite(objects);
        ValidatingAdmissionPolicyBinding binding =
                Manifests.find(objects, ValidatingAdmissionPolicyBinding.class, "messages-sqlite-single-replica");
        assertThat("bound to the app's namespace only",
                   binding.getSpec().getMatchResources().getNamespaceSelector().getMatchLabels(),
                   is(Map.of("kubernetes.io/metadata.name", "messages")));

        Container service = Manifests.find(objects, StatefulSet.class, "messages").getSpec().getTemplate().getSpec()
                .getContainers().getFirst();
        List<HasMetadata> restore = Manifests.render(PRODUCTION.resolve("restore"));
        io.fabric8.kubernetes.api.model.batch.v1.Job job =
                Manifests.find(restore, io.fabric8.kubernetes.api.model.batch.v1.Job.class, "messages-restore");
        Container restoring = job.getSpec().getTemplate().getSpec().getContainers().getFirst();
        assertThat(job.getMetadata().getNamespace(), is("messages"));
        assertThat(restoring.getImage(), is(service.getImage()));
        assertThat(restoring.getImage(), startsWith("registry.example/messages:0.1.0@sha256:"));
        assertThat(env(restoring, "DB_BACKUP_OFF_DASH_SITE_BUCKET"), is(env(service, "DB_BACKUP_OFF_DASH_SITE_BUCKET")));
        assertThat(env(service, "DB_BACKUP_OFF_DASH_SITE_BUCKET"), not(is("CHANGE-ME")));
    }

    @Test
    void productionPostgresOverlayIsTheSameSiteWithBackupsVerifiedTlsAndMonitoringAndTakesTheRestoreAsItsCommentSays()
            throws Exception {
        List<HasMetadata> objects = Manifests.render(PRODUCTION_POSTGRES);
        assertTheProductionSite(objects);
        Container service = Manifests.find(objects, Deployment.class, "messages").getSpec().getTemplate().getSpec()
                .getContainers().getFirst();
        Container sqlite = Manifests.find(Manifests.render(PRODUCTION), StatefulSet.class, "messages").getSpec()
                .getTemplate().getSpec().getContainers().getFirst();
        assertThat("the release's one image", service.getImage(), is(sqlite.getImage()));
        assertThat(env(service, "DB_CONNECTION_URL"),
                   startsWith("jdbc:postgresql://messages-db-rw:5432/messages?sslmode=verify-full&"));
        String bucket = field(field(Manifests.custom(objects, "ObjectStore", "messages-db-backup"), "spec"),
                              "configuration").get("destinationPath").toString();
        assertThat("the release's bucket, failing closed until set", bucket, startsWith("s3://messages-backups-CHANGE-ME/"));
        for (String kind : List.of("PodMonitor", "PrometheusRule")) {
            assertThat(kind + " of the database", Manifests.custom(objects, kind, "messages-db"), is(notNullValue()));
        }

        List<HasMetadata> restored = Manifests.render(productionPostgresWithTheRestore());
        assertTheProductionSite(restored);
        Container restoredService = Manifests.find(restored, Deployment.class, "messages").getSpec().getTemplate()
                .getSpec().getContainers().getFirst();
        assertThat(env(restoredService, "DB_CONNECTION_URL"),
                   startsWith("jdbc:postgresql://messages-db-restored-rw:5432/messages?sslmode=verify-full&"));
        assertThat(restored.stream().filter(o -> o.getKind().equals("Cluster")).map(o -> o.getMetadata().getName()).toList(),
                   is(List.of("messages-db-restored")));
        assertThat("restored from, and archiving into, the live cluster's store",
                   field(field(Manifests.custom(restored, "ObjectStore", "messages-db-backup"), "spec"), "configuration")
                           .get("destinationPath"), is(bucket));
    }

    // What both production overlays share (k8s/overlays/production/site): everything namespaced in
    // a namespace under the restricted Pod Security Standard, Prometheus' label on exactly the
    // monitoring objects, and every alert's runbook under the site's base.
    private static void assertTheProductionSite(List<HasMetadata> objects) throws IOException {
        io.fabric8.kubernetes.api.model.Namespace namespace =
                Manifests.find(objects, io.fabric8.kubernetes.api.model.Namespace.class, "messages");
        for (String mode : List.of("enforce", "audit", "warn")) {
            assertThat(mode, namespace.getMetadata().getLabels().get("pod-security.kubernetes.io/" + mode), is("restricted"));
        }
        for (HasMetadata object : objects) {
            boolean clusterScoped = Set.of("Namespace", "PriorityClass").contains(object.getKind())
                    || object.getKind().startsWith("ValidatingAdmission");
            if (!clusterScoped) {
                assertThat(object.getKind() + " " + object.getMetadata().getName(), object.getMetadata().getNamespace(),
                           is("messages"));
            }
        }
        for (HasMetadata object : objects) {
            boolean monitoring = "monitoring".equals(object.getMetadata().getLabels().get("app.kubernetes.io/component"));
            assertThat(object.getKind() + " " + object.getMetadata().getName() + " labelled for Prometheus",
                       object.getMetadata().getLabels().containsKey("release"), is(monitoring));
        }
        assertRunbooked(alerts(objects), Files.readString(Path.of("docs", "runbooks.md")));
        for (Map<String, Object> alert : alerts(objects)) {
            assertThat(field(alert, "annotations").get("runbook_url").toString(),
                       startsWith("https://git.example.com/team/messages/-/blob/v0.1.0/docs/runbooks.md#"));
        }
    }

    // A copy of k8s/overlays/production-postgres with its restore line uncommented, as it says.
    private static Path productionPostgresWithTheRestore() throws IOException {
        Path overlay = userKustomization("resources: []\n").resolve(PRODUCTION_POSTGRES);
        Path kustomization = overlay.resolve("kustomization.yaml");
        String text = Files.readString(kustomization);
        String restore = "  # - ../../components/postgres-restore\n";
        assertThat("the overlay's restore line", text, containsString(restore));
        Files.writeString(kustomization, text.replace(restore, "  - ../../components/postgres-restore\n"));
        return overlay;
    }

    @Test
    void postgresServiceRoleComponentConnectsTheServiceAsARoleThatOwnsNothingOverVerifiedTlsAndMigratesAsTheOwner()
            throws Exception {
        List<HasMetadata> objects = Manifests.render(withComponent("k8s/overlays/postgres",
                                                                   "k8s/components/postgres-service-role"));
        PodSpec pod = Manifests.find(objects, Deployment.class, "messages").getSpec().getTemplate().getSpec();
        Container service = pod.getContainers().getFirst();
        Container migrate = pod.getInitContainers().getFirst();

        String url = env(service, "DB_CONNECTION_URL");
        assertThat(url, startsWith("jdbc:postgresql://messages-db-rw:5432/messages?sslmode=verify-full&sslrootcert="));
        String caFile = url.substring(url.indexOf("sslrootcert=") + "sslrootcert=".length());
        assertThat(caFile, startsWith(mount(service, "db-ca") + "/"));
        io.fabric8.kubernetes.api.model.Volume ca = pod.getVolumes().stream().filter(v -> v.getName().equals("db-ca"))
                .findFirst().orElseThrow();
        assertThat(ca.getSecret().getSecretName(), is("messages-db-ca"));
        assertThat("only the certificate, never the CA's key", ca.getSecret().getItems().stream()
                .map(io.fabric8.kubernetes.api.model.KeyToPath::getKey).toList(), is(List.of("ca.crt")));
        for (String key : List.of("USERNAME", "PASSWORD")) {
            assertThat(valueFrom(service, "DB_CONNECTION_" + key).getSecretKeyRef().getName(), is("messages-db-service"));
        }
        assertThat(env(service, "DB_MIGRATIONS_AT_DASH_START"), is("false"));
        assertThat("migrations as the owner", valueFrom(migrate, "DB_CONNECTION_URL").getSecretKeyRef().getName(),
                   is("messages-db-app"));
        assertEveryEnvVarIsAConfigKey(service, renderedConfig(objects));
        assertRestricted(pod, service);

        Map<String, Object> spec = field(((GenericKubernetesResource) objects.stream()
                .filter(o -> o.getKind().equals("Cluster")).findFirst().orElseThrow()).getAdditionalProperties(), "spec");
        assertThat(field(field(spec, "bootstrap"), "initdb").get("postInitApplicationSQL").toString(),
                   containsString("CREATE ROLE messages_writer NOLOGIN"));
        @SuppressWarnings("unchecked")
        Map<String, Object> role = ((List<Map<String, Object>>) field(spec, "managed").get("roles")).getFirst();
        assertThat(role.get("name"), is("messages_service"));
        assertThat(role.get("inRoles"), is(List.of("messages_writer")));
        assertThat(field(role, "passwordSecret").get("name"), is("messages-db-service"));
    }

    @Test
    void restoreWithTheServiceRoleKeepsTheRoleAndItsVerifiedTlsAgainstTheRestoredCluster() throws Exception {
        List<HasMetadata> objects = Manifests.render(userKustomization("""
                resources:
                  - k8s/overlays/postgres
                components:
                  - k8s/components/postgres-backup
                  - k8s/components/postgres-service-role
                  - k8s/components/postgres-restore
                """));
        PodSpec pod = Manifests.find(objects, Deployment.class, "messages").getSpec().getTemplate().getSpec();
        Container service = pod.getContainers().getFirst();
        EnvVar url = service.getEnv().stream().filter(e -> e.getName().equals("DB_CONNECTION_URL")).findFirst().orElseThrow();

        assertThat(url.getValue(), startsWith("jdbc:postgresql://messages-db-restored-rw:5432/messages?sslmode=verify-full&"));
        assertThat("a value or a Secret, never both (the API server refuses both)", url.getValueFrom(), is(nullValue()));
        assertThat(pod.getVolumes().stream().filter(v -> v.getName().equals("db-ca")).findFirst().orElseThrow()
                           .getSecret().getSecretName(), is("messages-db-restored-ca"));
        for (String key : List.of("USERNAME", "PASSWORD")) {
            assertThat(valueFrom(service, "DB_CONNECTION_" + key).getSecretKeyRef().getName(), is("messages-db-service"));
        }
        assertThat("migrations as the restored cluster's owner",
                   valueFrom(pod.getInitContainers().getFirst(), "DB_CONNECTION_URL").getSecretKeyRef().getName(),
                   is("messages-db-restored-app"));
        @SuppressWarnings("unchecked")
        Map<String, Object> role = ((List<Map<String, Object>>) field(field(
                Manifests.custom(objects, "Cluster", "messages-db-restored"), "spec"), "managed").get("roles")).getFirst();
        assertThat(role.get("name"), is("messages_service"));
    }

    @Test
    void sqliteOffsiteComponentCopiesBackupsToTheBucketWithTheSecretsKeysAndLetsHttpsOut() throws Exception {
        List<HasMetadata> objects = Manifests.render(withComponent("k8s/base", "k8s/components/sqlite-offsite-backup"));
        Container service = Manifests.find(objects, StatefulSet.class, "messages").getSpec().getTemplate().getSpec()
                .getContainers().getFirst();

        assertThat("a placeholder that fails closed", env(service, "DB_BACKUP_OFF_DASH_SITE_BUCKET"), is("CHANGE-ME"));
        for (String key : List.of("ACCESS_DASH_KEY_DASH_ID", "SECRET_DASH_ACCESS_DASH_KEY")) {
            assertThat(valueFrom(service, "DB_BACKUP_OFF_DASH_SITE_" + key).getSecretKeyRef().getName(),
                       is("messages-backup-s3"));
        }
        assertEveryEnvVarIsAConfigKey(service, renderedConfig(objects));
        NetworkPolicies policies = NetworkPolicies.of(objects);
        NetworkPolicies.Pod pod = servicePod(objects);
        assertThat("-> object storage (HTTPS)", policies.allows(pod, ELSEWHERE, 443), is(true));
        assertThat("-> the API server's port", policies.allows(pod, ELSEWHERE, 6443), is(false));
    }

    @Test
    void restoreJobRunsTheServicesImageOnItsVolumesUnderRestrictedWithOrWithoutObjectStorage() throws Exception {
        List<HasMetadata> base = Manifests.render(BASE);
        StatefulSet statefulSet = Manifests.find(base, StatefulSet.class, "messages");
        Container service = statefulSet.getSpec().getTemplate().getSpec().getContainers().getFirst();
        for (Path restore : List.of(Path.of("k8s", "restore-sqlite"),
                                    withComponent("k8s/restore-sqlite", "k8s/components/sqlite-offsite-backup"))) {
            List<HasMetadata> objects = Manifests.render(restore);
            io.fabric8.kubernetes.api.model.batch.v1.Job job =
                    Manifests.find(objects, io.fabric8.kubernetes.api.model.batch.v1.Job.class, "messages-restore");
            PodSpec pod = job.getSpec().getTemplate().getSpec();
            Container container = pod.getContainers().getFirst();

            assertThat(container.getArgs(), is(List.of("restore")));
            assertThat("the service's image, by digest", container.getImage(), is(service.getImage()));
            assertRestricted(pod, container);
            assertThat("a failed restore changed nothing: no retry loop", job.getSpec().getBackoffLimit(), is(0));
            assertThat(env(container, "DB_CONNECTION_URL"), is(env(service, "DB_CONNECTION_URL")));
            assertThat(env(container, "DB_BACKUP_DIRECTORY"), is(env(service, "DB_BACKUP_DIRECTORY")));
            // The service's config, by the very ConfigMap the service mounts.
            assertThat(env(container, "MESSAGES_CONFIG"), is(env(service, "MESSAGES_CONFIG")));
            assertThat(mount(container, "config"), is(mount(service, "config")));
            assertThat(configMapOf(pod), is(configMapOf(statefulSet.getSpec().getTemplate().getSpec())));
            for (String volume : List.of("data", "backup")) {
                assertThat(mount(container, volume), is(mount(service, volume)));
                String claim = pod.getVolumes().stream().filter(v -> v.getName().equals(volume)).findFirst().orElseThrow()
                        .getPersistentVolumeClaim().getClaimName();
                assertThat("the claim of the StatefulSet's pod 0", claim,
                           is(volume + "-" + statefulSet.getMetadata().getName() + "-0"));
            }
            assertEveryEnvVarIsAConfigKey(container, renderedConfig(base));
        }
    }

    @Test
    void postgresOverlayRunsTheMigrationsInAnInitContainerOfTheSameImageBeforeTheService() throws Exception {
        List<HasMetadata> objects = Manifests.render(POSTGRES);
        PodSpec pod = Manifests.find(objects, Deployment.class, "messages").getSpec().getTemplate().getSpec();
        Container service = pod.getContainers().getFirst();
        Container migrate = pod.getInitContainers().getFirst();

        assertThat(migrate.getArgs(), is(List.of("migrate")));
        assertThat(migrate.getImage(), is(service.getImage()));
        assertThat(valueFrom(migrate, "DB_CONNECTION_URL"), is(valueFrom(service, "DB_CONNECTION_URL")));
        assertThat(env(migrate, "MESSAGES_CONFIG"), is(env(service, "MESSAGES_CONFIG")));
        assertThat("the service no longer migrates itself", env(service, "DB_MIGRATIONS_AT_DASH_START"), is("false"));
        assertEveryEnvVarIsAConfigKey(service, renderedConfig(objects));
        assertEveryEnvVarIsAConfigKey(migrate, renderedConfig(objects));
        assertRestricted(pod, migrate);
    }

    @Test
    void monitoringComponentScrapesTheAdminPortAndShipsAlertsWithRunbooksAndADashboardInBothShapes() throws Exception {
        String runbooks = Files.readString(Path.of("docs/runbooks.md"));
        for (String shape : List.of("k8s/base", "k8s/overlays/postgres")) {
            List<HasMetadata> objects = Manifests.render(withComponent(shape, "k8s/components/monitoring"));
            PodTemplateSpec pod = objects.stream()
                    .map(o -> o instanceof StatefulSet set ? set.getSpec().getTemplate()
                            : o instanceof Deployment deployment ? deployment.getSpec().getTemplate() : null)
                    .filter(Objects::nonNull).findFirst().orElseThrow();

            Map<String, Object> monitor = field(Manifests.custom(objects, "PodMonitor", "messages"), "spec");
            Map<String, Object> selector = field(field(monitor, "selector"), "matchLabels");
            assertThat(shape + ": the monitor selects the service's pods",
                       pod.getMetadata().getLabels().entrySet().containsAll(selector.entrySet()), is(true));
            @SuppressWarnings("unchecked")
            Map<String, Object> endpoint = ((List<Map<String, Object>>) monitor.get("podMetricsEndpoints")).getFirst();
            assertThat(port(pod.getSpec().getContainers().getFirst(), endpoint.get("port").toString()),
                       is(adminPort(renderedConfig(objects))));
            assertThat(endpoint.get("path"), is("/observe/metrics"));

            List<Map<String, Object>> alerts = alerts(objects);
            assertThat(alerts.size(), greaterThan(8));
            assertRunbooked(alerts, runbooks);

            ConfigMap dashboard = Manifests.find(objects, ConfigMap.class, "messages-dashboard");
            assertThat("Grafana's sidecar picks it up", dashboard.getMetadata().getLabels().get("grafana_dashboard"), is("1"));
            assertThat(Json.createReader(new StringReader(dashboard.getData().get("messages.json"))).readObject()
                               .getJsonArray("panels").size(), greaterThan(10));
        }
    }

    @Test
    void postgresMonitoringScrapesEveryInstanceOfTheNamespacesClustersOnTheirMetricsPortAndShipsTheirAlerts()
            throws Exception {
        String runbooks = Files.readString(Path.of("docs/runbooks.md"));
        String postgres = "resources:\n  - k8s/overlays/postgres\ncomponents:\n";
        for (String shape : List.of(postgres, RESTORE)) {
            List<HasMetadata> objects = Manifests.render(userKustomization(
                    shape + "  - k8s/components/monitoring\n  - k8s/components/monitoring-postgres\n"));
            HasMetadata cluster = objects.stream().filter(o -> o.getKind().equals("Cluster")).findFirst().orElseThrow();
            Map<String, Object> monitor = field(Manifests.custom(objects, "PodMonitor", "messages-db"), "spec");
            LabelSelector selector = new KubernetesSerialization().convertValue(monitor.get("selector"), LabelSelector.class);
            NetworkPolicies.Pod instance = cnpgInstance(cluster.getMetadata().getName(), 2);
            // A job cloning a new standby carries the cluster's label but is no instance.
            Map<String, String> join = Map.of("cnpg.io/cluster", cluster.getMetadata().getName(),
                                              "cnpg.io/jobRole", "join", "app.kubernetes.io/managed-by", "cloudnative-pg");

            assertThat(shape + ": the cluster's instances", NetworkPolicies.matches(selector, instance.labels()), is(true));
            assertThat(shape + ": not the service's pods", NetworkPolicies.matches(selector, servicePod(objects).labels()),
                       is(false));
            assertThat(shape + ": not a join job", NetworkPolicies.matches(selector, join), is(false));
            @SuppressWarnings("unchecked")
            Map<String, Object> endpoint = ((List<Map<String, Object>>) monitor.get("podMetricsEndpoints")).getFirst();
            assertThat(shape + ": CloudNativePG's exporter port", port(instance, endpoint.get("port").toString()), is(9187));
            assertThat(shape + ": which Prometheus may reach",
                       NetworkPolicies.of(objects).allows(PROMETHEUS, instance, 9187), is(true));
            Map<String, Object> spec = field(((GenericKubernetesResource) cluster).getAdditionalProperties(), "spec");
            @SuppressWarnings("unchecked")
            Map<String, Object> monitoring = (Map<String, Object>) spec.getOrDefault("monitoring", Map.of());
            assertThat("no second, deprecated PodMonitor made by the operator",
                       Boolean.TRUE.equals(monitoring.get("enablePodMonitor")), is(false));

            List<Map<String, Object>> alerts = alerts(List.of(objects.stream()
                    .filter(o -> o.getKind().equals("PrometheusRule") && o.getMetadata().getName().equals("messages-db"))
                    .findFirst().orElseThrow()));
            assertThat(alerts.stream().map(a -> a.get("alert").toString()).toList(),
                       is(List.of("MessagesPostgresReplicationLagging", "MessagesPostgresSynchronousStandbysMissing",
                                  "MessagesPostgresWalArchivingFailing", "MessagesPostgresBackupStale",
                                  "MessagesPostgresBackupFailed", "MessagesPostgresConnectionsNearMax",
                                  "MessagesPostgresXidAgeHigh", "MessagesPostgresInstanceDown",
                                  "MessagesPostgresInstancesAbsent")));
            assertRunbooked(alerts, runbooks);
        }
    }

    // Every alert has a summary, a description, and an absolute link to its section of docs/runbooks.md.
    private static void assertRunbooked(List<Map<String, Object>> alerts, String runbooks) {
        for (Map<String, Object> alert : alerts) {
            String name = alert.get("alert").toString();
            Map<String, Object> annotations = field(alert, "annotations");
            assertThat(name, annotations.keySet(), hasItem("summary"));
            assertThat(name, annotations.keySet(), hasItem("description"));
            assertThat(name + ": an absolute link, whatever the base",
                       annotations.get("runbook_url").toString().matches("https://[^\\s#]+/docs/runbooks\\.md#" + name.toLowerCase()),
                       is(true));
            assertThat(name + " has its runbook in docs/runbooks.md", runbooks, containsString("\n## " + name + "\n"));
        }
    }

    @Test
    void theRunbookBaseSetOnceByAnOverlayReachesEveryAlertAsDocumented() throws Exception {
        DocumentedOverlay overlay = documentedOverlay();
        Matcher base = Pattern.compile("base=(\\S+)]").matcher(overlay.kustomization());
        assertThat("docs/runbooks.md's overlay sets the runbook base", base.find(), is(true));

        List<Map<String, Object>> alerts = alerts(overlay.objects());
        assertThat(alerts.size(), greaterThan(8));
        for (Map<String, Object> alert : alerts) {
            String name = alert.get("alert").toString();
            assertThat(name, field(alert, "annotations").get("runbook_url"),
                       is(base.group(1) + "/docs/runbooks.md#" + name.toLowerCase()));
        }
        assertThat("the base's local-only source is not applied to the cluster",
                   overlay.objects().stream().map(o -> o.getMetadata().getName()).toList(),
                   not(hasItem("messages-runbook-base")));
    }

    @Test
    @SuppressWarnings("unchecked")
    void theSelectorLabelsSetOnceByAnOverlayReachEveryMonitoringObjectAndNoOtherAsDocumented() throws Exception {
        DocumentedOverlay overlay = documentedOverlay();
        // The labels the documented patch names, read from the snippet itself.
        Map<String, Object> patch = ((List<Map<String, Object>>) new Yaml()
                .<Map<String, Object>>load(overlay.kustomization()).get("patches")).getFirst();
        Map<String, String> selectorLabels = (Map<String, String>) field(
                new Yaml().load(patch.get("patch").toString()), "metadata").get("labels");
        assertThat(selectorLabels.get("release"), is(notNullValue()));

        List<String> monitoring = List.of("PodMonitor/messages", "PrometheusRule/messages",
                                          "ConfigMap/messages-dashboard", "PodMonitor/messages-db",
                                          "PrometheusRule/messages-db");
        List<String> labelled = new ArrayList<>();
        for (HasMetadata object : overlay.objects()) {
            Map<String, String> labels = Objects.requireNonNullElse(object.getMetadata().getLabels(), Map.of());
            if (labels.entrySet().containsAll(selectorLabels.entrySet())) {
                labelled.add(object.getKind() + "/" + object.getMetadata().getName());
            } else {
                for (String key : selectorLabels.keySet()) {
                    assertThat(object.getKind() + "/" + object.getMetadata().getName() + " has none of them",
                               labels.containsKey(key), is(false));
                }
            }
        }
        assertThat("every monitoring object, and only those", labelled.stream().sorted().toList(),
                   is(monitoring.stream().sorted().toList()));
    }

    // The example overlay in docs/runbooks.md ("Installing the monitoring"), as written there,
    // rendered in a directory my-overlay beside a copy of k8s/ and config/.
    private record DocumentedOverlay(String kustomization, List<HasMetadata> objects) {
    }

    private static DocumentedOverlay documentedOverlay() throws Exception {
        Matcher example = Pattern.compile("```yaml\n(# my-overlay/kustomization.yaml\n[^`]*?replacements:[^`]*?)```")
                .matcher(Files.readString(Path.of("docs/runbooks.md")));
        assertThat("docs/runbooks.md shows an overlay that sets labels and the runbook base", example.find(), is(true));
        Path overlay = Files.createDirectories(userKustomization("resources: []\n").resolve("my-overlay"));
        Files.writeString(overlay.resolve("kustomization.yaml"), example.group(1));
        return new DocumentedOverlay(example.group(1), Manifests.render(overlay));
    }

    // Every alerting rule of every PrometheusRule among objects.
    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> alerts(List<HasMetadata> objects) {
        return objects.stream()
                .filter(o -> o instanceof GenericKubernetesResource && o.getKind().equals("PrometheusRule"))
                .map(o -> field(((GenericKubernetesResource) o).getAdditionalProperties(), "spec"))
                .flatMap(spec -> ((List<Map<String, Object>>) spec.get("groups")).stream())
                .flatMap(group -> ((List<Map<String, Object>>) group.get("rules")).stream())
                .toList();
    }

    // A user's kustomization: a shape with a component added (in a copy of k8s/ and config/).
    private static Path withComponent(String shape, String component) throws IOException {
        return userKustomization("resources:\n  - " + shape + "\ncomponents:\n  - " + component + "\n");
    }

    // A user's kustomization.yaml, beside a copy of k8s/ and config/.
    private static Path userKustomization(String kustomization) throws IOException {
        Path copy = TestConfig.tempDir();
        for (String dir : List.of("k8s", "config")) {
            try (var files = Files.walk(Path.of(dir))) {
                for (Path file : files.toList()) {
                    Path target = copy.resolve(file.toString());
                    if (Files.isDirectory(file)) {
                        Files.createDirectories(target);
                    } else {
                        Files.copy(file, target);
                    }
                }
            }
        }
        Files.writeString(copy.resolve("kustomization.yaml"), kustomization);
        return copy;
    }

    @Test
    void bothShapesRunTheSamePodAndDifferOnlyInWhereTheDatabaseIsAndHowManyReplicasRun() throws Exception {
        PodSpec sqlite = Manifests.find(Manifests.render(BASE), StatefulSet.class, "messages").getSpec().getTemplate()
                .getSpec();
        PodSpec postgres = Manifests.find(Manifests.render(POSTGRES), Deployment.class, "messages").getSpec()
                .getTemplate().getSpec();

        assertThat(shared(postgres), is(shared(sqlite)));
    }

    // The pod without what says where the database is (its URL, pool size and volume, and the
    // SQLite file's backups) and what only a shape's replica count needs: the SQLite guard against
    // a second replica, the Deployment's spread of many and its migrations before the rollout
    // (many pods: migrate-first; the one SQLite pod migrates as it starts).
    private static PodSpec shared(PodSpec pod) {
        PodSpec copy = new io.fabric8.kubernetes.api.model.PodSpecBuilder(pod).build();
        Container container = copy.getContainers().getFirst();
        container.setEnv(container.getEnv().stream()
                                 .filter(e -> !e.getName().startsWith("DB_CONNECTION_") && !e.getName().startsWith("DB_BACKUP_")
                                         && !e.getName().equals("DB_MIGRATIONS_AT_DASH_START"))
                                 .toList());
        container.setVolumeMounts(container.getVolumeMounts().stream()
                                          .filter(m -> !m.getName().equals("data") && !m.getName().equals("backup"))
                                          .toList());
        copy.setInitContainers(copy.getInitContainers().stream()
                                       .filter(c -> !c.getName().equals("single-replica") && !c.getName().equals("migrate"))
                                       .toList());
        copy.setTopologySpreadConstraints(List.of());
        return copy;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> field(Map<String, Object> object, String name) {
        Object value = object.get(name);
        assertThat(name, value, is(notNullValue()));
        return (Map<String, Object>) value;
    }

    @Test
    void imageStartCommandServesEveryProbePathAndMigratesWithTheRenderedConfig() throws Exception {
        List<HasMetadata> objects = Manifests.render(BASE);
        StatefulSet set = Manifests.find(objects, StatefulSet.class, "messages");
        Container container = set.getSpec().getTemplate().getSpec().getContainers().getFirst();
        Path root = TestConfig.tempDir();
        // The container's file system, under a temp directory: the ConfigMap's file and the volume.
        Path configFile = root.resolve(env(container, "MESSAGES_CONFIG").substring(1));
        Files.createDirectories(configFile.getParent());
        Files.writeString(configFile, Manifests.find(objects, ConfigMap.class, "messages-config").getData()
                .get("application.yaml"));
        String dbUrl = env(container, "DB_CONNECTION_URL").replace("jdbc:sqlite:/", "jdbc:sqlite:" + root + "/");

        ProcessBuilder builder = new ProcessBuilder(imageCommand())
                .redirectErrorStream(true)
                .redirectOutput(root.resolve("service.log").toFile());
        builder.environment().put("MESSAGES_CONFIG", configFile.toString());
        builder.environment().put("DB_CONNECTION_URL", dbUrl);
        Process process = builder.start();
        try {
            List<Probe> probes = List.of(container.getStartupProbe(), container.getLivenessProbe(),
                                         container.getReadinessProbe());
            for (Probe probe : probes) {
                HTTPGetAction get = probe.getHttpGet();
                int port = port(container, get.getPort().getStrVal());
                assertThat(get.getPath() + " on " + port, ChildJvm.awaitOk(port, get.getPath()).statusCode(), is(200));
            }
            assertThat(ChildJvm.awaitAnswer(port(container, "http"), "/").statusCode(), is(200));
            process.destroy();
            assertThat(process.waitFor(set.getSpec().getTemplate().getSpec().getTerminationGracePeriodSeconds(),
                                       TimeUnit.SECONDS), is(true));
            assertThat(process.exitValue(), is(0));
        } finally {
            process.destroyForcibly();
        }
        // The same command with "migrate", as the init container of k8s/components/migrate-first.
        List<String> migrate = new ArrayList<>(imageCommand());
        migrate.add("migrate");
        ProcessBuilder migrating = new ProcessBuilder(migrate).redirectErrorStream(true);
        migrating.environment().putAll(builder.environment());
        Process migration = migrating.start();
        try {
            String output = new String(migration.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(migration.waitFor(60, TimeUnit.SECONDS), is(true));
            assertThat(output, migration.exitValue(), is(0));
            assertThat(output, containsString("messages: schema at version " + newestSqliteMigration()));
        } finally {
            migration.destroyForcibly();
        }
    }


    // The Containerfile's ENTRYPOINT, with the jar where the build put it and this JVM's java.
    private static List<String> imageCommand() throws Exception {
        Matcher entrypoint = Pattern.compile("(?m)^ENTRYPOINT \\[(.*)]$")
                .matcher(Files.readString(CONTAINERFILE, StandardCharsets.UTF_8));
        assertThat("k8s/Containerfile has an exec-form ENTRYPOINT", entrypoint.find(), is(true));
        List<String> command = new ArrayList<>();
        Matcher word = Pattern.compile("\"([^\"]*)\"").matcher(entrypoint.group(1));
        while (word.find()) {
            command.add(word.group(1));
        }
        assertThat(command.getFirst(), is("java"));
        command.set(0, ProcessHandle.current().info().command().orElseThrow());
        command.replaceAll(arg -> arg.equals("/app/messages.jar")
                ? System.getProperty("messages.jar", "target/messages.jar") : arg);
        return command;
    }

    private static void assertProbesOnTheAdminHealthPaths(Container container) {
        assertThat(container.getStartupProbe().getHttpGet().getPath(), is("/observe/health/live"));
        assertThat(container.getLivenessProbe().getHttpGet().getPath(), is("/observe/health/live"));
        assertThat(container.getReadinessProbe().getHttpGet().getPath(), is("/observe/health/ready"));
        for (Probe probe : List.of(container.getStartupProbe(), container.getLivenessProbe(), container.getReadinessProbe())) {
            assertThat(probe.getHttpGet().getPort().getStrVal(), is("admin"));
        }
    }

    private static void assertRestricted(PodSpec pod, Container container) {
        assertThat("the service never calls the API server", pod.getAutomountServiceAccountToken(), is(false));
        assertThat(pod.getSecurityContext().getRunAsNonRoot(), is(true));
        assertThat(pod.getSecurityContext().getSeccompProfile().getType(), is("RuntimeDefault"));
        assertThat(container.getSecurityContext().getReadOnlyRootFilesystem(), is(true));
        assertThat(container.getSecurityContext().getAllowPrivilegeEscalation(), is(false));
        assertThat(container.getSecurityContext().getCapabilities().getDrop(), is(List.of("ALL")));
        assertThat(container.getResources().getRequests().keySet(), hasItem("memory"));
        assertThat(container.getResources().getLimits().keySet(), hasItem("memory"));
        assertThat(container.getResources().getLimits().keySet(), hasItem("cpu"));
    }

    // Memory request = limit: the heap (75% of the limit) may grow past any smaller request, and
    // a pod using more than it requested is the first evicted under node memory pressure.
    private static void assertSizedAsMeasured(Container container) {
        Quantity request = container.getResources().getRequests().get("memory");
        Quantity limit = container.getResources().getLimits().get("memory");
        assertThat(Quantity.getAmountInBytes(request), is(Quantity.getAmountInBytes(limit)));
        assertThat("the measured limit (README, Performance)", limit, is(new Quantity("768Mi")));
    }

    // Every variable the manifests set names a key the service reads (Helidon's mapping).
    private static void assertEveryEnvVarIsAConfigKey(Container container, Config config) {
        for (EnvVar var : container.getEnv()) {
            if (var.getName().equals("MESSAGES_CONFIG")) {
                continue; // names the config file itself
            }
            String key = configKey(var.getName());
            boolean read = config.get(key).exists() || key.startsWith("db.connection.");
            assertThat(var.getName() + " -> " + key + " is a key the service reads", read, is(true));
        }
    }

    // Helidon's environment variable mapping: _ is a dot, _DASH_ a dash, lower case.
    private static String configKey(String envVar) {
        return envVar.replace("_DASH_", "-").replace('_', '.').toLowerCase(java.util.Locale.ROOT);
    }

    private static long kubernetesDrainDelay(Config config) {
        String delay = config.get("messages.drain-delay").asString().get();
        return delay.equals("auto") ? 5 : java.time.Duration.parse(delay).toSeconds();
    }

    private static Config renderedConfig(List<HasMetadata> objects) {
        String yaml = Manifests.find(objects, ConfigMap.class, "messages-config").getData().get("application.yaml");
        return Config.just(ConfigSources.create(yaml, MediaTypes.APPLICATION_X_YAML));
    }

    private static int adminPort(Config config) {
        for (Config socket : config.get("server.sockets").asNodeList().get()) {
            if (socket.get("name").asString().get().equals("admin")) {
                return socket.get("port").asInt().get();
            }
        }
        throw new AssertionError("no admin socket in the config");
    }

    private static int port(Container container, String name) {
        return container.getPorts().stream().filter(p -> name.equals(p.getName())).map(ContainerPort::getContainerPort)
                .findFirst().orElseThrow(() -> new AssertionError("no container port " + name));
    }

    private static io.fabric8.kubernetes.api.model.EnvVarSource valueFrom(Container container, String name) {
        return container.getEnv().stream().filter(e -> e.getName().equals(name)).map(EnvVar::getValueFrom)
                .findFirst().orElseThrow(() -> new AssertionError("no env " + name));
    }

    private static String env(Container container, String name) {
        return container.getEnv().stream().filter(e -> e.getName().equals(name)).map(EnvVar::getValue)
                .findFirst().orElseThrow(() -> new AssertionError("no env " + name));
    }

    private static String mount(Container container, String volume) {
        return container.getVolumeMounts().stream().filter(m -> m.getName().equals(volume)).map(VolumeMount::getMountPath)
                .findFirst().orElseThrow(() -> new AssertionError("no mount of " + volume));
    }

    private static String configMapOf(PodSpec pod) {
        return pod.getVolumes().stream().filter(v -> v.getName().equals("config")).findFirst().orElseThrow()
                .getConfigMap().getName();
    }

    // The newest version among SQLite's migrations (V<n>__*.sql).
    private static int newestSqliteMigration() throws IOException {
        try (Stream<Path> files = Files.list(Path.of("src", "main", "resources", "db", "migration", "sqlite"))) {
            return files.map(f -> f.getFileName().toString())
                    .mapToInt(name -> Integer.parseInt(name.substring(1, name.indexOf("__"))))
                    .max().orElseThrow();
        }
    }
}
