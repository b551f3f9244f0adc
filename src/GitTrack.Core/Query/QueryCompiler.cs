using GitTrack.Core.Query.Internal;

namespace GitTrack.Core.Query;

/// <summary>
/// Turns a <see cref="QueryExpression"/> into a predicate over runs: a tree of delegates, each field reader bound and
/// each literal resolved (relative dates against <see cref="QueryContext.Now"/>) once, so a filter costs a few
/// dictionary lookups per run.
/// </summary>
public static class QueryCompiler
{
    public static Func<TRun, bool> Compile<TRun>(QueryExpression expression, RunFields<TRun> fields, QueryContext? context = null)
    {
        ArgumentNullException.ThrowIfNull(expression);
        ArgumentNullException.ThrowIfNull(fields);
        return Build(expression, fields, context ?? QueryContext.System);
    }

    private static Func<TRun, bool> Build<TRun>(QueryExpression expression, RunFields<TRun> fields, QueryContext context)
    {
        switch (expression)
        {
            case AndExpression and:
            {
                var left = Build(and.Left, fields, context);
                var right = Build(and.Right, fields, context);
                return run => left(run) && right(run);
            }
            case OrExpression or:
            {
                var left = Build(or.Left, fields, context);
                var right = Build(or.Right, fields, context);
                return run => left(run) || right(run);
            }
            case NotExpression not:
            {
                var operand = Build(not.Operand, fields, context);
                return run => !operand(run);
            }
            case ExistsExpression exists:
            {
                var read = fields.Bind(exists.Field);
                return run => read(run).HasValue;
            }
            case ComparisonExpression { Field.IsMultiValued: true } multi:
            {
                // One value per input: '=' and '~' hold when one input matches, '!=' and '!~' when none does.
                // 'input = 3f9a' compares keys by prefix (any case), as commands accept key prefixes.
                var field = multi.Field;
                var negated = multi.Operator is QueryOperator.NotEqual or QueryOperator.NotMatch;
                var positive = multi.Operator switch
                {
                    QueryOperator.NotEqual => QueryOperator.Equal,
                    QueryOperator.NotMatch => QueryOperator.Match,
                    var op => op,
                };
                Func<QueryValue, bool> test;
                if (field.Root == FieldRoot.Input && positive == QueryOperator.Equal)
                {
                    var prefix = (multi.Value.Raw.Length > 0 ? multi.Value.Raw : multi.Value.ToString()).ToLowerInvariant();
                    test = v => v.Text is { } key && key.StartsWith(prefix, StringComparison.Ordinal);
                }
                else
                    test = ValueTest.Build(field, positive, multi.Value, context);
                return run => fields.Values(run, field).Any(test) != negated;
            }
            case ComparisonExpression comparison:
            {
                var read = fields.Bind(comparison.Field);
                var test = ValueTest.Build(comparison.Field, comparison.Operator, comparison.Value, context);
                return run => read(run) is { } value && test(value);
            }
            default:
                throw new ArgumentException($"unknown expression {expression.GetType().Name}", nameof(expression));
        }
    }
}
