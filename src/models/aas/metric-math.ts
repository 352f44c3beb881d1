/**
 * The arithmetic part of CloudWatch metric math, as target-tracking policies use it (`e1 = m1 / m2`):
 * numbers, query ids, + - * /, unary minus and parentheses. Pure: parse once, evaluate per datapoint.
 *   https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/using-metric-math.html
 *   https://docs.aws.amazon.com/autoscaling/application/userguide/application-auto-scaling-target-tracking-metric-math.html
 * Functions (SUM, FILL, …) are not supported; a clear error names the first unsupported token.
 */

export class MetricMathError extends Error {
  override readonly name = "MetricMathError";
}

export type MathNode =
  | { readonly op: "num"; readonly value: number }
  | { readonly op: "id"; readonly id: string }
  | { readonly op: "neg"; readonly arg: MathNode }
  | { readonly op: "+" | "-" | "*" | "/"; readonly left: MathNode; readonly right: MathNode };

/**
 * Assumption `metricMath.divideByZero` (CloudWatch does not say what x/0 gives a policy): the datapoint is
 * missing, so the policy's alarms treat it as missing data and never scale on it.
 */
export const DIVIDE_BY_ZERO_IS_MISSING = true;

/** Parse an expression; throws MetricMathError. */
export function parseMetricMath(expression: string): MathNode {
  const tokens =
    expression.match(/\s*(\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|[A-Za-z_][A-Za-z0-9_]*|[-+*/()]|\S)/g) ?? [];
  const toks = tokens.map((t) => t.trim());
  let i = 0;
  const fail = (msg: string): never => {
    throw new MetricMathError(`metric math "${expression}": ${msg}`);
  };
  const peek = () => toks[i];
  const expr = (): MathNode => {
    let left = term();
    while (peek() === "+" || peek() === "-") {
      const op = toks[i++] as "+" | "-";
      left = { op, left, right: term() };
    }
    return left;
  };
  const term = (): MathNode => {
    let left = unary();
    while (peek() === "*" || peek() === "/") {
      const op = toks[i++] as "*" | "/";
      left = { op, left, right: unary() };
    }
    return left;
  };
  const unary = (): MathNode => {
    if (peek() === "-") {
      i++;
      return { op: "neg", arg: unary() };
    }
    return atom();
  };
  const atom = (): MathNode => {
    const t = toks[i++];
    if (t === undefined) return fail("unexpected end of expression");
    if (t === "(") {
      const inner = expr();
      if (toks[i++] !== ")") fail("missing )");
      return inner;
    }
    if (/^\d/.test(t)) return { op: "num", value: Number(t) };
    if (/^[A-Za-z_]/.test(t)) {
      if (peek() === "(") fail(`function ${t}() is not supported (only + - * / on query ids and numbers)`);
      return { op: "id", id: t };
    }
    return fail(`unexpected "${t}"`);
  };
  if (toks.length === 0) fail("empty expression");
  const node = expr();
  if (i < toks.length) fail(`unexpected "${toks[i]}"`);
  return node;
}

/** Query ids an expression reads. */
export function mathIds(node: MathNode, into: Set<string> = new Set()): Set<string> {
  switch (node.op) {
    case "num":
      break;
    case "id":
      into.add(node.id);
      break;
    case "neg":
      mathIds(node.arg, into);
      break;
    default:
      mathIds(node.left, into);
      mathIds(node.right, into);
  }
  return into;
}

/**
 * Value of the expression for one period; `valueOfId(id)` gives each query's datapoint (null = missing).
 * Any missing input, a division by zero or a non-finite result makes the datapoint missing.
 */
export function evaluateMetricMath(node: MathNode, valueOfId: (id: string) => number | null): number | null {
  const v = evalNode(node, valueOfId);
  return v === null || !Number.isFinite(v) ? null : v;
}

function evalNode(node: MathNode, valueOfId: (id: string) => number | null): number | null {
  switch (node.op) {
    case "num":
      return node.value;
    case "id":
      return valueOfId(node.id);
    case "neg": {
      const a = evalNode(node.arg, valueOfId);
      return a === null ? null : -a;
    }
  }
  const a = evalNode(node.left, valueOfId);
  if (a === null) return null;
  const b = evalNode(node.right, valueOfId);
  if (b === null) return null;
  switch (node.op) {
    case "+":
      return a + b;
    case "-":
      return a - b;
    case "*":
      return a * b;
    case "/":
      return b === 0 ? null : a / b;
  }
}
