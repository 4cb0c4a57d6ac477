namespace Larkway.Emulator.Hosting;

/// <summary>
/// The state file (<see cref="EmulatorOptions.StateFile"/>) can neither be used nor set aside, or its folder cannot be
/// written: the start stops rather than run on and overwrite what the file holds. The message names the file and what to do.
/// </summary>
public sealed class EmulatorStateFileException : IOException
{
    public EmulatorStateFileException()
    {
    }

    public EmulatorStateFileException(string message)
        : base(message)
    {
    }

    public EmulatorStateFileException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
