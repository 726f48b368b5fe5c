import Handlebars from 'handlebars'

type Node = hbs.AST.Node
type Expression = hbs.AST.Expression

/** Helpers every Handlebars environment has, all without side effects on the output. */
const builtins = new Set(['if', 'unless', 'each', 'with', 'lookup', 'log'])

/** Block helpers a row partial may use: `each` and `with` give their block a new context. */
const blocks = new Set(['if', 'unless', 'each', 'with'])

/** Where a node sits: contexts pushed by `each`/`with` inside the partial, and `each` blocks around it. */
interface Scope {
  contexts: number
  each: number
}

/**
 * True when a partial's output depends only on the context it is given (its row) and `@root.site`,
 * so the HTML of a row can be kept and reused while the row is the same: every path stays inside the
 * partial's own contexts (`../` no further than its own `each`/`with` blocks), `@`-variables are those
 * of its own `each` blocks, helpers are the environment's (`helpers`, all pure) and the built-in ones,
 * and there are no partials or decorators inside. Anything else is rendered anew every time.
 */
export function rowPartialIsPure(source: string, helpers: ReadonlySet<string>): boolean {
  let program: hbs.AST.Program
  try {
    program = Handlebars.parse(source)
  } catch {
    return false
  }
  const isHelper = (name: string) => builtins.has(name) || helpers.has(name)

  const path = (p: hbs.AST.PathExpression, scope: Scope): boolean => {
    if (p.data) {
      if (p.parts[0] === 'root') return p.parts[1] === 'site'
      return p.depth === 0 && scope.each > 0 && ['index', 'first', 'last', 'key'].includes(p.parts[0]!)
    }
    return p.depth <= scope.contexts
  }

  const expression = (e: Expression, scope: Scope): boolean => {
    switch (e.type) {
      case 'PathExpression':
        return path(e as hbs.AST.PathExpression, scope)
      case 'SubExpression':
        return call(e as hbs.AST.SubExpression, scope)
      case 'StringLiteral':
      case 'NumberLiteral':
      case 'BooleanLiteral':
      case 'UndefinedLiteral':
      case 'NullLiteral':
        return true
      default:
        return false
    }
  }

  /** A helper call: a known helper's name, and pure arguments. */
  const call = (
    node: { path: Expression; params: Expression[]; hash?: hbs.AST.Hash },
    scope: Scope,
  ): boolean => {
    const name = node.path as hbs.AST.PathExpression
    if (name.type !== 'PathExpression' || name.data || name.depth > 0 || name.parts.length !== 1) return false
    if (!isHelper(name.parts[0]!)) return false
    return arguments_(node, scope)
  }

  const arguments_ = (node: { params: Expression[]; hash?: hbs.AST.Hash }, scope: Scope): boolean =>
    node.params.every((p) => expression(p, scope)) &&
    (node.hash?.pairs ?? []).every((pair) => expression(pair.value, scope))

  const statement = (node: Node, scope: Scope): boolean => {
    switch (node.type) {
      case 'ContentStatement':
      case 'CommentStatement':
        return true
      case 'MustacheStatement': {
        const m = node as hbs.AST.MustacheStatement
        if (m.params.length === 0 && !m.hash) return expression(m.path, scope)
        return call(m, scope)
      }
      case 'BlockStatement': {
        const b = node as hbs.AST.BlockStatement
        const name = b.path as hbs.AST.PathExpression
        if (name.type !== 'PathExpression' || name.depth > 0 || name.parts.length !== 1) return false
        const helper = name.parts[0]!
        if (name.data || !blocks.has(helper) || b.params.length !== 1) return false
        if (!arguments_(b, scope)) return false
        const inner =
          helper === 'each' || helper === 'with'
            ? { contexts: scope.contexts + 1, each: scope.each + (helper === 'each' ? 1 : 0) }
            : scope
        return body(b.program, inner) && (!b.inverse || body(b.inverse, scope))
      }
      default:
        // Partials, partial blocks, decorators: what they print is not known from here.
        return false
    }
  }

  const body = (p: hbs.AST.Program, scope: Scope): boolean => p.body.every((s) => statement(s, scope))

  return body(program, { contexts: 0, each: 0 })
}
