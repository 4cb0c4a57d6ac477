using System.Text;

namespace Larkway.Hub.Assistants.Context;

/// <summary>
/// Asks every registered <see cref="IAssistantContextSource"/> about a question and puts what they read in front of it
/// for the backend: each document under its title and link, marked when cut. The budget is shared, in order.
/// </summary>
internal sealed class AssistantContexts(IEnumerable<IAssistantContextSource> sources)
{
    private readonly IReadOnlyList<IAssistantContextSource> _sources = [.. sources];

    /// <summary>Whether any source is registered.</summary>
    public bool Any => _sources.Count > 0;

    /// <summary>What the sources read for <paramref name="question"/>, together.</summary>
    public async Task<AssistantContext> ReadAsync(AssistantContextQuestion question, CancellationToken cancellationToken)
    {
        if (_sources.Count == 0 || question.BudgetChars <= 0)
        {
            return AssistantContext.None;
        }

        var documents = new List<AssistantContextDocument>();
        var notes = new List<string>();
        var left = question.BudgetChars;
        foreach (var source in _sources)
        {
            if (left <= 0)
            {
                break;
            }

            var read = await source.ReadAsync(question with { BudgetChars = left }, cancellationToken).ConfigureAwait(false);
            documents.AddRange(read.Documents);
            notes.AddRange(read.Notes);
            left -= read.Documents.Sum(d => d.Text.Length);
        }

        return new AssistantContext(documents, notes);
    }

    /// <summary>The question as the backend gets it: the documents first, each under its title and link, then the question.</summary>
    public static string WithDocuments(string question, IReadOnlyList<AssistantContextDocument> documents)
    {
        if (documents.Count == 0)
        {
            return question;
        }

        var text = new StringBuilder("The question links these documents; their text follows.\n");
        foreach (var document in documents)
        {
            text.Append("\n<document title=\"").Append(document.Title.Replace("\"", "'", StringComparison.Ordinal)).Append("\" link=\"").Append(document.Link).Append("\">\n")
                .Append(document.Text);
            if (document.Cut)
            {
                text.Append("\n[The rest of this document was left out: it is longer than the assistant reads.]");
            }

            text.Append("\n</document>\n");
        }

        return text.Append("\nQuestion: ").Append(question).ToString();
    }
}
