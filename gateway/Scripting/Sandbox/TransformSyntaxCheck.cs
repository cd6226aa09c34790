using Acornima.Ast;

namespace HaloIlertGateway.Scripting.Sandbox;

/// <summary>
/// Refuses, when a transform is compiled, the syntax the sandbox does not run: BigInt literals (BigInt arithmetic is
/// an operator no limit can interrupt, and the <c>BigInt</c> global is removed too), <c>import()</c> (a transform is
/// one self-contained file; module loading is off) and generator functions (<c>function*</c>, <c>yield</c>): Jint
/// resumes a generator on the host's stack outside its call-depth count, so <c>yield*</c> into itself, or a loop over
/// a generator that loops over itself, ran the stack out while an exception unwound it, and a stack overflow ends the
/// process (seen with eight such requests at once). The message names the line and column.
/// </summary>
internal static class TransformSyntaxCheck
{
    public static void Check(Node program, string path)
    {
        var pending = new Stack<Node>();
        pending.Push(program);
        while (pending.TryPop(out var node))
        {
            var refusal = node switch
            {
                BigIntLiteral => "BigInt is not available in transforms",
                ImportExpression => "import() is not available in transforms: a transform is one self-contained file",
                IFunction { Generator: true } => "generator functions (function*) are not available in transforms: use a loop or an array",
                YieldExpression => "yield is not available in transforms: use a loop or an array",
                _ => null,
            };
            if (refusal is not null)
            {
                throw new TransformCompilationException(path, refusal, node.Location.Start.Line, node.Location.Start.Column + 1);
            }

            foreach (var child in node.ChildNodes)
            {
                pending.Push(child);
            }
        }
    }
}
