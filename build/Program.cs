using Mesh.Build;

return Pipeline.Create(BuildContext.FindRepositoryRoot(AppContext.BaseDirectory)).Run(args);
