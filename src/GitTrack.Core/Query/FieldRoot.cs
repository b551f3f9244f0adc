namespace GitTrack.Core.Query;

/// <summary>
/// What a <see cref="FieldPath"/> names: one of the keyed maps (<c>params.*</c>, <c>metrics.*</c>, <c>tags.*</c>)
/// or one of the run's own fields.
/// </summary>
public enum FieldRoot
{
    Params = 0,
    Metrics = 1,
    Tags = 2,
    Id = 10,
    Name = 11,
    Status = 12,
    Started = 13,
    Ended = 14,
    Duration = 15,
    ExitCode = 16,
    SourceCommit = 17,
    SourceBranch = 18,
    Parent = 19,
    /// <summary><c>inputs.path</c>: the paths of the run's inputs (a comparison holds when it holds for one of them).</summary>
    InputsPath = 20,
    /// <summary><c>input</c>: the content keys of the run's inputs; <c>input = PREFIX</c> matches a key starting with it.</summary>
    Input = 21,
}
