namespace GitTrack.Core.Query;

/// <summary>A comparison operator of the query language.</summary>
public enum QueryOperator
{
    /// <summary><c>=</c> (also written <c>==</c>).</summary>
    Equal,
    /// <summary><c>!=</c></summary>
    NotEqual,
    /// <summary><c>&lt;</c></summary>
    Less,
    /// <summary><c>&lt;=</c></summary>
    LessOrEqual,
    /// <summary><c>&gt;</c></summary>
    Greater,
    /// <summary><c>&gt;=</c></summary>
    GreaterOrEqual,
    /// <summary><c>~</c>: glob (with <c>*</c> or <c>?</c>) or substring match on the value's text, ignoring case.</summary>
    Match,
    /// <summary><c>!~</c>: a present value that does not match.</summary>
    NotMatch,
}
