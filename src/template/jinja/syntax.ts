/** Jinja2 syntax that Nunjucks' parser lacks: `with`, `for … if … recursive`, `set a, b = …`, `set ns.x = …`,
 *  `block … scoped`, tests with a bare argument (`is divisibleby 3`, `is in [1]`), `include … with context`. */
import nunjucks from "@11ty/nunjucks";

const { parser, lexer, nodes } = nunjucks as unknown as { parser: any; lexer: any; nodes: any };
const Parser = parser.Parser;

/** `{% with a = 1, b, c = pair %}…{% endwith %}`: targets are lists of names, values their expressions. */
export const WithNode = nodes.Node.extend("With", { fields: ["targets", "values", "body"] });
nodes.With = WithNode;

/** Tokens that can start a test's bare argument (`is divisibleby 3`), as in Jinja's parser. */
const ARG_START = new Set([
  lexer.TOKEN_STRING,
  lexer.TOKEN_INT,
  lexer.TOKEN_FLOAT,
  lexer.TOKEN_LEFT_PAREN,
  lexer.TOKEN_LEFT_BRACKET,
  lexer.TOKEN_LEFT_CURLY,
  lexer.TOKEN_BOOLEAN,
  lexer.TOKEN_NONE,
]);
const NOT_ARG = new Set(["else", "or", "and", "if", "in", "is", "not", "recursive"]);

/** Names on the left of `=` or `in`: `a` or `a, b`. */
function parseTargets(p: any): any[] {
  const names: any[] = [];
  do {
    const t = p.parsePrimary(true);
    if (!(t instanceof nodes.Symbol)) p.fail("expected a name to assign to", t.lineno, t.colno);
    names.push(t);
  } while (p.skip(lexer.TOKEN_COMMA));
  return names;
}

/** An expression, or `a, b` as a tuple (Jinja's `parse_tuple`). */
function parseTuple(p: any, parseOne: () => any): any {
  const first = parseOne();
  if (p.peekToken().type !== lexer.TOKEN_COMMA) return first;
  const tuple = new nodes.Array(first.lineno, first.colno, [first]);
  while (p.skip(lexer.TOKEN_COMMA)) {
    const tok = p.peekToken();
    if (tok.type === lexer.TOKEN_BLOCK_END) break;
    tuple.addChild(parseOne());
  }
  return tuple;
}

let installed = false;

/** Patches Nunjucks' parser (process-wide, once). */
export function installSyntax(): void {
  if (installed) return;
  installed = true;
  nodes.For.prototype.fields = ["arr", "name", "body", "else_", "cond", "recursive"];

  Parser.prototype.parseFor = function parseFor(this: any) {
    const forTok = this.peekToken();
    if (!this.skipSymbol("for")) this.fail("parseFor: expected for", forTok.lineno, forTok.colno);
    const node = new nodes.For(forTok.lineno, forTok.colno);
    const names = parseTargets(this);
    node.name = names.length === 1 ? names[0] : new nodes.Array(names[0].lineno, names[0].colno, names);
    if (!this.skipSymbol("in"))
      this.fail('parseFor: expected "in" keyword for loop', forTok.lineno, forTok.colno);
    node.arr = parseTuple(this, () => this.parseOr());
    if (this.skipSymbol("if")) node.cond = this.parseExpression();
    node.recursive = this.skipSymbol("recursive");
    this.advanceAfterBlockEnd(forTok.value);
    node.body = this.parseUntilBlocks("endfor", "else");
    if (this.skipSymbol("else")) {
      this.advanceAfterBlockEnd("else");
      node.else_ = this.parseUntilBlocks("endfor");
    }
    this.advanceAfterBlockEnd();
    return node;
  };

  Parser.prototype.parseSet = function parseSet(this: any) {
    const tag = this.peekToken();
    if (!this.skipSymbol("set")) this.fail("parseSet: expected set", tag.lineno, tag.colno);
    const node = new nodes.Set(tag.lineno, tag.colno, []);
    do {
      const target = this.parsePrimary();
      if (!(target instanceof nodes.Symbol) && !(target instanceof nodes.LookupVal))
        this.fail("can't assign to this expression", target.lineno, target.colno);
      node.targets.push(target);
    } while (this.skip(lexer.TOKEN_COMMA));
    if (this.skipValue(lexer.TOKEN_OPERATOR, "=")) {
      node.value = parseTuple(this, () => this.parseExpression());
      this.advanceAfterBlockEnd(tag.value);
    } else if (this.skip(lexer.TOKEN_BLOCK_END)) {
      node.body = new nodes.Capture(tag.lineno, tag.colno, this.parseUntilBlocks("endset"));
      node.value = null;
      this.advanceAfterBlockEnd();
    } else {
      this.fail("parseSet: expected = or block end in set tag", tag.lineno, tag.colno);
    }
    return node;
  };

  Parser.prototype.parseBlock = function parseBlock(this: any) {
    const tag = this.peekToken();
    if (!this.skipSymbol("block")) this.fail("parseBlock: expected block", tag.lineno, tag.colno);
    const node = new nodes.Block(tag.lineno, tag.colno);
    node.name = this.parsePrimary();
    if (!(node.name instanceof nodes.Symbol))
      this.fail("parseBlock: variable name expected", tag.lineno, tag.colno);
    // `scoped` and `required` change nothing here: blocks already see the loop variables around them.
    while (this.skipSymbol("scoped") || this.skipSymbol("required"));
    this.advanceAfterBlockEnd(tag.value);
    node.body = this.parseUntilBlocks("endblock");
    this.skipSymbol("endblock");
    this.skipSymbol(node.name.value);
    const tok = this.peekToken();
    if (!tok) this.fail("parseBlock: expected endblock, got end of file");
    this.advanceAfterBlockEnd(tok.value);
    return node;
  };

  Parser.prototype.parseWith = function parseWith(this: any) {
    const tag = this.peekToken();
    this.skipSymbol("with");
    const targets: any[][] = [];
    const values = new nodes.NodeList(tag.lineno, tag.colno);
    while (this.peekToken().type !== lexer.TOKEN_BLOCK_END) {
      if (targets.length > 0 && !this.skip(lexer.TOKEN_COMMA))
        this.fail("with: expected a comma", tag.lineno, tag.colno);
      targets.push(parseTargets(this));
      if (!this.skipValue(lexer.TOKEN_OPERATOR, "=")) this.fail("with: expected =", tag.lineno, tag.colno);
      values.addChild(this.parseExpression());
    }
    this.advanceAfterBlockEnd(tag.value);
    const body = this.parseUntilBlocks("endwith");
    this.advanceAfterBlockEnd();
    return new WithNode(tag.lineno, tag.colno, targets, values, body);
  };

  const parseStatement = Parser.prototype.parseStatement;
  Parser.prototype.parseStatement = function (this: any) {
    const tok = this.peekToken();
    if (
      tok &&
      tok.type === lexer.TOKEN_SYMBOL &&
      tok.value === "with" &&
      !(this.breakOnBlocks ?? []).includes("with")
    )
      return this.parseWith();
    return parseStatement.call(this);
  };

  const parseInclude = Parser.prototype.parseInclude;
  Parser.prototype.parseInclude = function (this: any) {
    // `with context` is what Nunjucks does anyway; `without context` is rare enough to treat alike.
    const advance = this.advanceAfterBlockEnd;
    this.advanceAfterBlockEnd = function (this: any, name?: string) {
      this.advanceAfterBlockEnd = advance;
      if ((this.skipSymbol("with") || this.skipSymbol("without")) && !this.skipSymbol("context"))
        this.fail("include: expected context", undefined, undefined);
      return advance.call(this, name);
    };
    try {
      return parseInclude.call(this);
    } finally {
      this.advanceAfterBlockEnd = advance;
    }
  };

  Parser.prototype.parseIs = function parseIs(this: any) {
    let node = this.parseCompare();
    while (this.skipSymbol("is")) {
      const not = this.skipSymbol("not");
      const nameTok = this.nextToken();
      if (!nameTok || nameTok.type !== lexer.TOKEN_SYMBOL) {
        // `is none`, `is true`, `is false` arrive as literal tokens
        if (nameTok && (nameTok.type === lexer.TOKEN_NONE || nameTok.type === lexer.TOKEN_BOOLEAN))
          nameTok.value = nameTok.type === lexer.TOKEN_NONE ? "none" : nameTok.value;
        else this.fail("expected a test name after is", nameTok?.lineno, nameTok?.colno);
      }
      let name = nameTok.value;
      while (this.skipValue(lexer.TOKEN_OPERATOR, ".")) name += `.${this.expect(lexer.TOKEN_SYMBOL).value}`;
      const symbol = new nodes.Symbol(nameTok.lineno, nameTok.colno, name);
      let right: any = symbol;
      const next = this.peekToken();
      if (next.type === lexer.TOKEN_LEFT_PAREN) {
        right = new nodes.FunCall(next.lineno, next.colno, symbol, this.parseSignature());
      } else if (
        ARG_START.has(next.type) ||
        (next.type === lexer.TOKEN_SYMBOL && !NOT_ARG.has(next.value)) ||
        (next.type === lexer.TOKEN_OPERATOR && next.value === "-")
      ) {
        const arg = this.parseUnary(true);
        right = new nodes.FunCall(
          next.lineno,
          next.colno,
          symbol,
          new nodes.NodeList(next.lineno, next.colno, [arg]),
        );
      }
      node = new nodes.Is(node.lineno, node.colno, node, right);
      if (not) node = new nodes.Not(node.lineno, node.colno, node);
    }
    return node;
  };
}
