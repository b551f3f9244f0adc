using GitTrack.Cli.Rendering;

namespace GitTrack.Cli.Tests;

/// <summary><see cref="TerminalText.Escape"/>, the one function every renderer prints run data through.</summary>
public sealed class TerminalTextTests
{
    [Fact]
    public void Escape_leaves_ordinary_text_alone_and_escapes_every_unsafe_character()
    {
        Assert.Same("plain text, ünïcödé, 日本, emoji 🙂", TerminalText.Escape("plain text, ünïcödé, 日本, emoji 🙂"));
        Assert.Equal("a\\tb\\nc\\rd\\ee\\x00f\\x7fg\\u0085h\\u202ei\\u2066j\\u2028k", TerminalText.Escape("a\tb\nc\rd\u001be\0f\u007fg\u0085h\u202ei\u2066j\u2028k"));
        for (var c = 0; c < 0x20; c++)
            Assert.DoesNotContain((char)c, TerminalText.Escape(((char)c).ToString()));
    }
}
