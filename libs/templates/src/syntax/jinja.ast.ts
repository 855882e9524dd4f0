/**
 * The node shapes produced by `@huggingface/jinja`'s parser (its AST module is
 * not exported, so the contract is restated here and checked by the specs).
 */

export interface Token {
  value: string;
  type: string;
}

export interface ProgramNode {
  type: 'Program';
  body: StatementNode[];
}

export interface IfNode {
  type: 'If';
  test: ExprNode;
  body: StatementNode[];
  alternate: StatementNode[];
}

export interface ForNode {
  type: 'For';
  loopvar: IdentifierNode | TupleLiteralNode;
  iterable: ExprNode;
  body: StatementNode[];
  defaultBlock: StatementNode[];
}

export interface SetNode {
  type: 'Set';
  assignee: ExprNode;
  value: ExprNode | null;
  body: StatementNode[];
}

export interface MacroNode {
  type: 'Macro';
  name: IdentifierNode;
  args: ExprNode[];
  body: StatementNode[];
}

export interface CallStatementNode {
  type: 'CallStatement';
  call: CallExpressionNode;
  callerArgs: ExprNode[] | null;
  body: StatementNode[];
}

export interface FilterStatementNode {
  type: 'FilterStatement';
  filter: IdentifierNode | CallExpressionNode;
  body: StatementNode[];
}

export interface SimpleNode {
  type: 'Break' | 'Continue' | 'Comment';
}

export interface IdentifierNode {
  type: 'Identifier';
  value: string;
}

export interface IntegerLiteralNode {
  type: 'IntegerLiteral';
  value: number;
}

export interface FloatLiteralNode {
  type: 'FloatLiteral';
  value: number;
}

export interface StringLiteralNode {
  type: 'StringLiteral';
  value: string;
}

export interface ArrayLiteralNode {
  type: 'ArrayLiteral';
  value: ExprNode[];
}

export interface TupleLiteralNode {
  type: 'TupleLiteral';
  value: ExprNode[];
}

export interface ObjectLiteralNode {
  type: 'ObjectLiteral';
  value: Map<ExprNode, ExprNode>;
}

export interface MemberExpressionNode {
  type: 'MemberExpression';
  object: ExprNode;
  property: ExprNode;
  computed: boolean;
}

export interface CallExpressionNode {
  type: 'CallExpression';
  callee: ExprNode;
  args: ExprNode[];
}

export interface BinaryExpressionNode {
  type: 'BinaryExpression';
  operator: Token;
  left: ExprNode;
  right: ExprNode;
}

export interface UnaryExpressionNode {
  type: 'UnaryExpression';
  operator: Token;
  argument: ExprNode;
}

export interface FilterExpressionNode {
  type: 'FilterExpression';
  operand: ExprNode;
  filter: IdentifierNode | CallExpressionNode;
}

export interface TestExpressionNode {
  type: 'TestExpression';
  operand: ExprNode;
  negate: boolean;
  test: IdentifierNode;
}

export interface SelectExpressionNode {
  type: 'SelectExpression';
  lhs: ExprNode;
  test: ExprNode;
}

export interface TernaryNode {
  type: 'Ternary';
  condition: ExprNode;
  trueExpr: ExprNode;
  falseExpr: ExprNode;
}

export interface SliceExpressionNode {
  type: 'SliceExpression';
  start?: ExprNode;
  stop?: ExprNode;
  step?: ExprNode;
}

export interface KeywordArgumentNode {
  type: 'KeywordArgumentExpression';
  key: IdentifierNode;
  value: ExprNode;
}

export interface SpreadNode {
  type: 'SpreadExpression' | 'KeywordSpreadExpression';
  argument: ExprNode;
}

export type ExprNode =
  | IdentifierNode
  | IntegerLiteralNode
  | FloatLiteralNode
  | StringLiteralNode
  | ArrayLiteralNode
  | TupleLiteralNode
  | ObjectLiteralNode
  | MemberExpressionNode
  | CallExpressionNode
  | BinaryExpressionNode
  | UnaryExpressionNode
  | FilterExpressionNode
  | TestExpressionNode
  | SelectExpressionNode
  | TernaryNode
  | SliceExpressionNode
  | KeywordArgumentNode
  | SpreadNode;

export type StatementNode = ExprNode | IfNode | ForNode | SetNode | MacroNode | CallStatementNode | FilterStatementNode | SimpleNode | ProgramNode;

/** Filter names that carry a test with arguments (`x is divisibleby(3)`), see jinja.parser.ts. */
export const TEST_FILTER_PREFIX = '\u0000is:';

/** The internal tuple constructor that `()` and `(x,)` are rewritten to call, see jinja.parser.ts. */
export const TUPLE_CALL = '\u0000tuple';
/** The global that int literals past 2^53 are rewritten to call with their digits (`syntax/jinja.parser.ts`). */
export const BIG_INT_CALL = '__int_literal__';

/** The filter name marking the iterable of `{% for … recursive %}`, see jinja.parser.ts. */
export const RECURSIVE_LOOP = '\u0000recursive';
