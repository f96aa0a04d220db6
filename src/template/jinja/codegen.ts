/** Jinja2 semantics in Nunjucks' generated code: Python truthiness, `==`, `in`, `%`, `~`, tuples, unpacking,
 *  `for … if … recursive` with Jinja's `loop`, `with`, and `set` on namespaces. The helpers live on `runtime`. */
import nunjucks from "@11ty/nunjucks";

const { compiler, nodes } = nunjucks as unknown as { compiler: any; nodes: any };
const Compiler = compiler.Compiler;
const CONSTANTS: Record<string, string> = { True: "true", False: "false", None: "null" };

let installed = false;

const ESCAPED = /\.(?:html?|xml|xhtml|svg)$/i;
/** Whether a template of this name is autoescaped (a name Nunjucks compiles without one: yes). */
export function autoescapes(templateName: unknown): boolean {
  return typeof templateName !== "string" || ESCAPED.test(templateName);
}

/** Patches Nunjucks' compiler (process-wide, once). */
export function installCodegen(): void {
  if (installed) return;
  installed = true;
  const P = Compiler.prototype;

  // Flask (so Publ) autoescapes only templates named .html, .htm, .xml, .xhtml or .svg: a `.txt` template prints
  // values as they are. The output call is emitted with the environment's setting; outside those names, `false`.
  const compileOutput = P.compileOutput;
  P.compileOutput = function (this: any, node: any, frame: any) {
    if (autoescapes(this.templateName)) return compileOutput.call(this, node, frame);
    const emit = this._emit;
    this._emit = (code: string) =>
      emit.call(this, code === ", env.opts.autoescape);\n" ? ", false);\n" : code);
    try {
      compileOutput.call(this, node, frame);
    } finally {
      this._emit = emit;
    }
  };

  const compileSymbol = P.compileSymbol;
  P.compileSymbol = function (this: any, node: any, frame: any) {
    const c = CONSTANTS[node.value];
    if (c && !frame.lookup(node.value)) this._emit(c);
    else compileSymbol.call(this, node, frame);
  };

  // `x[1:-1]` calls the slice helper directly, so the member lookup of every other `a.b` need not check for one.
  const compileLookupVal = P.compileLookupVal;
  P.compileLookupVal = function (this: any, node: any, frame: any) {
    if (node.val?.typename !== "Slice") return compileLookupVal.call(this, node, frame);
    this._emit("runtime.pySlice((");
    this._compileExpression(node.target, frame);
    this._emit("),");
    this._compileExpression(node.val, frame);
    this._emit(")");
  };

  // `(1, 2)` is a tuple (a list here), not JavaScript's comma operator.
  P.compileGroup = function (this: any, node: any, frame: any) {
    if (node.children.length === 1) this._compileAggregate(node, frame, "(", ")");
    else this._compileAggregate(node, frame, "[", "]");
  };

  const wrap = (helper: string) =>
    function (this: any, node: any, frame: any) {
      this._emit(`runtime.${helper}(`);
      this.compile(node.left, frame);
      this._emit(",");
      this.compile(node.right, frame);
      this._emit(")");
    };
  P.compileIn = wrap("pyIn");
  P.compileMod = wrap("pyMod");
  P.compileAdd = wrap("pyAdd");
  P.compileMul = wrap("pyMul");
  P.compileConcat = wrap("pyConcat");

  // `a or b` / `a and b` return an operand, chosen by Python truthiness; `runtime.t` holds it for the moment
  // between the assignment and the test (rendering is synchronous).
  P.compileOr = function (this: any, node: any, frame: any) {
    this._emit("(runtime.t = ");
    this.compile(node.left, frame);
    this._emit(", runtime.truthy(runtime.t) ? runtime.t : ");
    this.compile(node.right, frame);
    this._emit(")");
  };
  P.compileAnd = function (this: any, node: any, frame: any) {
    this._emit("(runtime.t = ");
    this.compile(node.left, frame);
    this._emit(", runtime.truthy(runtime.t) ? ");
    this.compile(node.right, frame);
    this._emit(" : runtime.t)");
  };
  P.compileNot = function (this: any, node: any, frame: any) {
    this._emit("!runtime.truthy(");
    this.compile(node.target, frame);
    this._emit(")");
  };
  P.compileInlineIf = function (this: any, node: any, frame: any) {
    this._emit("(runtime.truthy(");
    this.compile(node.cond, frame);
    this._emit(") ? ");
    this.compile(node.body, frame);
    this._emit(" : ");
    if (node.else_ !== null) this.compile(node.else_, frame);
    else this._emit("undefined");
    this._emit(")");
  };
  const compileIf = P.compileIf;
  P.compileIf = function (this: any, node: any, frame: any, async: boolean) {
    const cond = node.cond;
    node.cond = { __truthy: cond };
    try {
      compileIf.call(this, node, frame, async);
    } finally {
      node.cond = cond;
    }
  };
  const compileExpression = P._compileExpression;
  P._compileExpression = function (this: any, node: any, frame: any) {
    if (node && node.__truthy) {
      this._emit("runtime.truthy(");
      compileExpression.call(this, node.__truthy, frame);
      this._emit(")");
    } else compileExpression.call(this, node, frame);
  };

  const compileCompare = P.compileCompare;
  P.compileCompare = function (this: any, node: any, frame: any) {
    const op = node.ops.length === 1 ? node.ops[0].type : null;
    if (op !== "==" && op !== "!=") return compileCompare.call(this, node, frame);
    this._emit(op === "==" ? "runtime.pyEq(" : "!runtime.pyEq(");
    this.compile(node.expr, frame);
    this._emit(",");
    this.compile(node.ops[0].expr, frame);
    this._emit(")");
  };

  P.compileSet = function (this: any, node: any, frame: any) {
    const value = this._tmpid();
    this._emit(`var ${value} = `);
    if (node.value) this._compileExpression(node.value, frame);
    else {
      this._emit("runtime.markSafe(");
      this.compile(node.body, frame);
      this._emit(")");
    }
    this._emitLine(";");
    if (node.targets.length === 1) this._assign(node.targets[0], value, frame);
    else {
      const seq = this._tmpid();
      this._emitLine(`var ${seq} = runtime.unpack(${value}, ${node.targets.length});`);
      node.targets.forEach((t: any, i: number) => this._assign(t, `${seq}[${i}]`, frame));
    }
  };

  P._assign = function (this: any, target: any, value: string, frame: any) {
    if (target instanceof nodes.LookupVal) {
      this._emit("runtime.setAttr(");
      this._compileExpression(target.target, frame);
      this._emit(",");
      this._compileExpression(target.val, frame);
      this._emitLine(`, ${value});`);
      return;
    }
    const name = target.value;
    if (this._loopDepth > 0) {
      // Inside a loop, Jinja's `set` makes a name of the loop's own: the value outside is left alone.
      const local = this._tmpid();
      this._emitLine(`var ${local} = ${value};`);
      this._emitLine(`frame.set(${JSON.stringify(name)}, ${local});`);
      frame.set(name, local);
      return;
    }
    let id = frame.lookup(name);
    if (id === null || id === undefined) {
      id = this._tmpid();
      this._emitLine(`var ${id};`);
    }
    this._emitLine(`${id} = ${value};`);
    this._emitLine(`frame.set(${JSON.stringify(name)}, ${id}, true);`);
    this._emitLine(`if(frame.topLevel) { context.setVariable(${JSON.stringify(name)}, ${id}); }`);
    if (name.charAt(0) !== "_")
      this._emitLine(`if(frame.topLevel) { context.addExport(${JSON.stringify(name)}, ${id}); }`);
  };

  /** Binds loop or `with` names at run time and compile time: `a` or `a, b` (unpacked). */
  P._bindNames = function (this: any, names: any[], value: string, frame: any) {
    if (names.length === 1) {
      const id = this._tmpid();
      this._emitLine(`var ${id} = ${value};`);
      this._emitLine(`frame.set(${JSON.stringify(names[0].value)}, ${id});`);
      frame.set(names[0].value, id);
      return;
    }
    const seq = this._tmpid();
    this._emitLine(`var ${seq} = runtime.unpack(${value}, ${names.length});`);
    names.forEach((n: any, i: number) => {
      const id = this._tmpid();
      this._emitLine(`var ${id} = ${seq}[${i}];`);
      this._emitLine(`frame.set(${JSON.stringify(n.value)}, ${id});`);
      frame.set(n.value, id);
    });
  };

  P.compileWith = function (this: any, node: any, frame: any) {
    this._emitLine("frame = frame.push();");
    const inner = frame.push();
    const values = node.values.children.map((v: any) => {
      const id = this._tmpid();
      this._emit(`var ${id} = `);
      this._compileExpression(v, frame);
      this._emitLine(";");
      return id;
    });
    node.targets.forEach((names: any[], i: number) => this._bindNames(names, values[i], inner));
    this._withScopedSyntax(() => this.compile(node.body, inner));
    this._emitLine("frame = frame.pop();");
  };

  P.compileFor = function (this: any, node: any, frame: any) {
    const names: any[] = node.name instanceof nodes.Array ? node.name.children : [node.name];
    if (!node.recursive) {
      const arr = this._tmpid();
      this._emit(`var ${arr} = `);
      this._compileExpression(node.arr, frame);
      this._emitLine(";");
      this._loopBody(node, names, arr, "1", frame);
      return;
    }
    // A recursive loop is a function of its sequence: `loop(children)` calls it one level deeper.
    const fn = this._tmpid();
    const src = this._tmpid();
    const depth = this._tmpid();
    const buffer = this.buffer;
    const out = this._tmpid();
    this._emitLine(`var ${fn} = function(${src}, ${depth}) {`);
    this._emitLine(`var ${out} = "";`);
    this.buffer = out;
    this._loopBody(node, names, src, depth, frame, fn);
    this.buffer = buffer;
    this._emitLine(`return new runtime.SafeString(${out});`);
    this._emitLine("};");
    this._emit(`${buffer} += ${fn}(`);
    this._compileExpression(node.arr, frame);
    this._emitLine(", 1);");
  };

  P._loopBody = function (
    this: any,
    node: any,
    names: any[],
    arrExpr: string,
    depth: string,
    outer: any,
    fn?: string,
  ) {
    const frame = outer.push();
    const arr = this._tmpid();
    const i = this._tmpid();
    const loop = this._tmpid();
    this._emitLine("frame = frame.push();");
    this._emitLine(`var ${arr} = runtime.pyIter(${arrExpr}, ${names.length});`);
    if (node.cond) {
      const item = this._tmpid();
      const test = frame.push();
      this._emitLine(`${arr} = ${arr}.filter(function(${item}) {`);
      this._emitLine("runtime.tick();");
      this._bindNames(names, item, test);
      this._emit("return runtime.truthy(");
      this._compileExpression(node.cond, test);
      this._emitLine(");");
      this._emitLine("});");
    }
    this._emitLine(`var ${loop} = new runtime.LoopContext(${arr}, ${depth}${fn ? `, ${fn}` : ""});`);
    this._emitLine(`frame.set("loop", ${loop});`);
    this._emitLine(`for (var ${i} = 0; ${i} < ${arr}.length; ${i}++) {`);
    this._emitLine(`${loop}.index0 = ${i};`);
    // Each turn counts against the render's time budget (budget.ts).
    this._emitLine("runtime.tick();");
    // Names set in the body start afresh each time round, as in Jinja; only bodies that set anything pay for it.
    const sets = node.body.findAll(nodes.Set).length > 0;
    if (sets) this._emitLine("frame = frame.push();");
    this._bindNames(names, `${arr}[${i}]`, frame);
    this._loopDepth = (this._loopDepth ?? 0) + 1;
    try {
      this._withScopedSyntax(() => this.compile(node.body, frame));
    } finally {
      this._loopDepth--;
    }
    if (sets) this._emitLine("frame = frame.pop();");
    this._emitLine("}");
    if (node.else_) {
      this._emitLine(`if (!${arr}.length) {`);
      this._withScopedSyntax(() => this.compile(node.else_, outer));
      this._emitLine("}");
    }
    this._emitLine("frame = frame.pop();");
  };
}
