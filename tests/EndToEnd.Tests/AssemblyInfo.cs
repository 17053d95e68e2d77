// The pipeline host moves the process's working directory (Cake's environment), so runs go one at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
