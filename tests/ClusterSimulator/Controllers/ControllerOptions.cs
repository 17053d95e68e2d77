namespace Mesh.ClusterSimulator;

/// <summary>
/// Which simulated controllers run (read on every pass, so a test may switch one off at any time) and
/// how long a pod takes from creation to running.
/// </summary>
public sealed class ControllerOptions
{
    /// <summary>Deployments make ReplicaSets, ReplicaSets make pods, and both report status.</summary>
    public bool Deployments { get; set; } = true;

    /// <summary>The kubelet's part: pods become Running and Ready; a Job's pods run through <see cref="SimulatedCluster.RunPod"/>.</summary>
    public bool Kubelet { get; set; } = true;

    /// <summary>Jobs make pods and report Complete or Failed.</summary>
    public bool Jobs { get; set; } = true;

    /// <summary>Services get EndpointSlices listing the pods they select.</summary>
    public bool EndpointSlices { get; set; } = true;

    /// <summary>LoadBalancer services get an ingress IP after <see cref="ReadyDelay"/>.</summary>
    public bool LoadBalancers { get; set; } = true;

    /// <summary>StatefulSets and DaemonSets report a finished rollout (they make no pods).</summary>
    public bool StatefulSetsAndDaemonSets { get; set; } = true;

    /// <summary>Claims of the default <c>standard</c> StorageClass are bound to provisioned volumes once a pod mounts them.</summary>
    public bool Volumes { get; set; } = true;

    /// <summary>
    /// The API server's establishing controller: a CustomResourceDefinition whose names are accepted becomes
    /// Established and its versions are served. Off: a definition created (or recreated) stays
    /// <c>Established=False</c> (reason <c>Installing</c>) and its kinds are not served, until it is written
    /// again with the switch on; one already established stays so.
    /// </summary>
    public bool EstablishCustomResourceDefinitions { get; set; } = true;

    /// <summary>Every namespace gets a ServiceAccount named <c>default</c>.</summary>
    public bool ServiceAccounts { get; set; } = true;

    /// <summary>How long a pod stays Pending before it runs, and a LoadBalancer waits for its IP.</summary>
    public TimeSpan ReadyDelay { get; set; } = TimeSpan.FromMilliseconds(50);
}
