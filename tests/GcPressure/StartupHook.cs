/// <summary>Called by the runtime before Main when this assembly is named in DOTNET_STARTUP_HOOKS.</summary>
internal static class StartupHook
{
    public static void Initialize()
    {
        var thread = new System.Threading.Thread(() =>
        {
            while (true)
            {
                System.GC.Collect();
                System.GC.WaitForPendingFinalizers();
                System.Threading.Thread.Yield();
            }
        })
        { IsBackground = true, Name = "gc-pressure" };
        thread.Start();
    }
}
