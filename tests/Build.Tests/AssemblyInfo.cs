// Runs of the pipeline host change process-wide state (the working directory, through Cake's
// environment, and KUBECONFIG in one test), so tests in this assembly run one at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
