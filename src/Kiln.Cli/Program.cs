using System.CommandLine;

var root = new RootCommand("Kiln builds OCI container images from Dockerfiles, with no daemon.");
return root.Parse(args).Invoke();
