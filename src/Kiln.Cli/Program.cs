using Kiln.Cli;

return KilnApp.Run(args, Console.Out, Console.Error);
