// A program as an agent would write it, compiled against the packaged
// lib/netstandard2.0/Contrast.Auth.dll only: reads its configuration from the environment
// (CONTRAST__API__*), sends one report, prints the outcome. With --expect-no-native it checks the
// error a platform without a native library gets instead.
using System;
using System.Text;
using Contrast.Auth;

internal static class Consumer
{
    private static int Main(string[] args)
    {
        if (args.Length > 0 && args[0] == "--expect-no-native")
        {
            try
            {
                ContrastAuth.FromCredentials("https://app.contrastsecurity.com/Contrast", "u", "s", "k").Dispose();
                Console.Error.WriteLine("consumer: a native library was found");
                return 1;
            }
            catch (DllNotFoundException e)
            {
                Console.WriteLine("consumer: " + e.Message);
                bool named = e.Message.Contains("detected " + args[1]) && e.Message.Contains("carries " + args[2]);
                return named ? 0 : 1;
            }
        }
        using (ContrastAuth auth = ContrastAuth.FromEnvironment())
        {
            byte[] report = Encoding.UTF8.GetBytes("{\"application\":\"consumer\"}");
            SendOutcome outcome = auth.Send("POST", "/api/ng/agents/report", "application/json", report);
            Console.WriteLine("consumer: " + outcome + " " + auth.Fingerprints());
            return outcome.Status == 200 ? 0 : 1;
        }
    }
}
