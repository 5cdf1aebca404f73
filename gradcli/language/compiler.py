"""Parse trees -> flat code: the steps the machine runs, with jumps for control flow.

An expression becomes its nodes in post-order, children before parents; a
program adds stores, jumps and calls. Compiling never recurses (3,000 nested
parentheses or a 50,000-term sum are fine), and it is deterministic: the same
source compiles to the same steps, so step ``i`` of a parse without positions
is step ``i`` of a parse with them (how errors find their column).

The code of a parse without positions keeps no parse tree: each step's node is
only what describes it (its own tokens and its children's), and steps alike
are one object, so a 100,000-term sum is a few distinct steps and the tree is
freed once compiled. A parse with positions keeps its nodes whole: they are
where columns and spans come from (``positions``).
"""

from __future__ import annotations

import builtins
from collections.abc import Iterator
from typing import Any, NamedTuple

from gradcli.errors import ExpressionError
from gradcli.language.parser import CONSTANTS, SPELLINGS, STRUCTURAL, Tree, parse
from gradcli.registry import ALIASES, OPS


class Instruction(NamedTuple):
    """One step: a node of the parse tree, or a control step of a program.

    ``template`` holds the step's own tokens and a placeholder for each child
    subtree, whose value the step takes from the stack (``arity`` of them).
    ``node`` is the node it comes from: whole in a parse with positions, else the
    node without its grandchildren's subtrees (see the module's docstring).
    """

    kind: str
    template: tuple[Any, ...]
    arity: int
    node: Tree


class Label:
    """A place in the code that a jump goes to; ``index`` is set once it is placed."""

    __slots__ = ("index",)

    def __init__(self) -> None:
        self.index = -1


class Function:
    """A function the program defines with ``def``."""

    __slots__ = ("entry", "locals", "name", "node", "parameters")

    def __init__(self, name: str, parameters: tuple[str, ...], entry: Label, node: Tree):
        self.name = name
        self.parameters = parameters
        self.entry = entry
        self.node = node
        self.locals: set[str] = set(parameters)
        """Its parameters and the names its body assigns."""


class Code(NamedTuple):
    """A compiled expression or program."""

    steps: tuple[Instruction, ...]
    names: tuple[str, ...]
    """Names read and never assigned, in order of first use: the variables (and constants)."""
    assigned: dict[str, Tree]
    """Names the program assigns at its top level, with the first statement that does."""
    functions: dict[str, Function]
    operations: tuple[str, ...]
    """The registry operation of every step that computes, in the order of the code."""
    program: bool
    """Whether there is more than one expression: statements, stores, jumps."""
    control: bool
    """Whether the steps jump (branches, loops, calls), so that different points may
    take different paths."""


CHILD = object()
"""In a template: a child's value, taken from the stack."""

# Steps that move values or the program counter rather than compute.
CONTROL = frozenset(
    {
        "store", "jump", "jump_if_false", "and_jump", "or_jump", "loop", "range", "next",
        "call_user", "return", "no_return", "no_output",
    }
)  # fmt: skip

_AUGMENTED = {"+=": "add", "-=": "sub", "*=": "mul", "/=": "div", "**=": "pow", "@=": "matmul"}
_STATEMENTS = ("assign", "augmented", "value", "return_", "pass_", "break_", "continue_")
_BLOCKS = ("if_", "while_", "for_", "def_")


class _Context(NamedTuple):
    """Where a statement is: in which function, and in which loop (its labels)."""

    function: Function | None = None
    loop: tuple[Label, Label] | None = None  # (continue, break)
    top: bool = True


def compile_tree(tree: Tree, source: str = "", origins: list[Tree] | None = None) -> Code:
    """Compile a parse tree (from :func:`gradcli.language.parser.parse`); a tree without
    positions is compiled to code that keeps none of it (see the module's docstring).
    ``origins``, if given, gets the node of ``tree`` that each step comes from."""
    positioned = not tree.meta.empty
    try:
        return _Compiler(source, keep_tree=positioned, origins=origins).compile(tree)
    except ExpressionError as error:
        if error.column is None and source and not positioned:
            # The everyday parse has no positions: compile a parse with them, which
            # fails in the same place and knows its column.
            _Compiler(source, keep_tree=True).compile(parse(source, positions=True))
        raise


class _Compiler:
    _handlers: dict[str, Any]  # the statements and control expressions, by node kind

    def __init__(self, source: str, keep_tree: bool, origins: list[Tree] | None = None):
        self.source = source
        self.keep_tree = keep_tree
        self.origins = origins
        self.steps: list[Instruction] = []
        self.functions: dict[str, Function] = {}
        self.assigned: dict[str, Tree] = {}
        self.read: dict[str, None] = {}
        self.control = False
        self.alike: dict[tuple, Instruction] = {}
        """Without the tree, the one step for each kind of node (its shallow key)."""

    # --- the program -----------------------------------------------------------------

    def compile(self, tree: Tree) -> Code:
        statements = [c for c in tree.children if isinstance(c, Tree)]
        if not statements:
            raise ExpressionError("the expression is empty; write one, such as x**2")
        self._declare(statements)
        single = len(statements) == 1 and statements[0].data == "value"
        if single:
            self._run(statements[0].children[0], _Context())
        else:
            self._program(statements)
        for function in self.functions.values():
            self._function(function)
        if not self.keep_tree:
            self.assigned = {name: _shallow(node) for name, node in self.assigned.items()}
            for function in self.functions.values():
                function.node = _shallow(function.node)
        steps = tuple(self.steps)
        # Steps alike are one object: each one's operation is worked out once.
        known: dict[int, str | None] = {}
        operations: list[str] = []
        for step in steps:
            name = known.get(id(step), "")
            if name == "":
                name = known[id(step)] = _registry_operation(step)
            if name is not None:
                operations.append(name)
        names = tuple(n for n in self.read if n not in self.assigned and n not in self.functions)
        return Code(
            steps, names, self.assigned, self.functions, tuple(operations), not single, self.control
        )

    def _declare(self, statements: list[Tree]) -> None:
        """Functions are known before the code runs, so a call may come before its def."""
        for statement in statements:
            if statement.data != "def_":
                continue
            name, parameters, _ = statement.children
            name = str(name)
            self._check_name(name, statement, "define a function")
            if name in self.functions:
                raise self._error(f"function '{name}' is defined twice", statement)
            params = tuple(str(p) for p in parameters.children) if parameters else ()
            for p in params:
                self._check_name(p, statement, "name a parameter")
            if len(set(params)) < len(params):
                raise self._error(f"{name} names a parameter twice", statement)
            function = Function(name, params, Label(), statement)
            function.locals |= _assigned_in(statement.children[2])
            self.functions[name] = function

    def _program(self, statements: list[Tree]) -> None:
        *body, last = statements
        for statement in body:
            self._run(statement, _Context())
        if last.data == "value":
            self._run(last.children[0], _Context())
            self._emit("return", (CHILD,), 1, last)
            return
        self._run(last, _Context())
        if last.data in ("assign", "augmented"):
            # A program that ends by assigning its result gives that value.
            self._emit("name", (last.children[0],), 0, last)
            self._emit("return", (CHILD,), 1, last)
        elif last.data != "return_":
            returns = any(node.data == "return_" for node in _top_level(statements))
            if not returns:
                raise self._error(
                    "the program has no output: end it with an expression (the result, "
                    "such as the name of a variable) or a return",
                    last,
                )
            self._emit("no_output", (), 0, last)

    def _function(self, function: Function) -> None:
        function.entry.index = len(self.steps)
        context = _Context(function=function, top=False)
        self._run(function.node.children[2], context)
        self._emit("no_return", (function.name,), 0, function.node)

    # --- one work list for statements and expressions: no recursion ------------------

    def _run(self, tree: Tree, context: _Context) -> None:
        work: list[tuple[str, Any, Any]] = [("node", tree, context)]
        handlers = self._handlers
        push, steps, origins = work.append, self.steps, self.origins
        while work:
            action, item, ctx = work.pop()
            if action == "node":
                handler = handlers.get(item.data)
                if handler is not None:
                    work.extend(reversed(list(handler(self, item, ctx))))
                    continue
                # An operation or structure: its children first, then itself.
                push(("operation", item, ctx))
                for child in reversed(item.children):
                    if child.__class__ is Tree:
                        push(("node", child, ctx))
            elif action == "operation":
                steps.append(self._operation(item, ctx))
                if origins is not None:
                    origins.append(item)
            elif action == "emit":  # a control step, ctx its node
                steps.append(item)
                if origins is not None:
                    origins.append(ctx)
            else:
                item.index = len(self.steps)

    def _operation(self, node: Tree, ctx: _Context) -> Instruction:
        kind, children = node.data, node.children
        if kind == "name":  # looked up by its meaning, π as pi
            self._use(SPELLINGS.get(str(children[0]), str(children[0])), ctx)
        elif kind == "call" and str(children[0]) in self.functions:
            self.control = True
        if self.keep_tree:
            return self._instruction(node)
        key = _shallow_key(node)
        step = self.alike.get(key)
        if step is None:
            step = self.alike[key] = self._instruction(node)._replace(node=_shallow(node))
        return step

    def _instruction(self, node: Tree) -> Instruction:
        kind, children = node.data, node.children
        if kind == "name":
            return Instruction(kind, (SPELLINGS.get(str(children[0]), str(children[0])),), 0, node)
        if kind == "number":  # read once, not at every run
            return Instruction(kind, (float(children[0]),), 0, node)
        if kind == "call" and str(children[0]) in self.functions:
            kind = "call_user"
        template = tuple(CHILD if isinstance(c, Tree) else c for c in children)
        arity = builtins.sum(isinstance(c, Tree) for c in children)
        return Instruction(kind, template, arity, node)

    def _step(self, kind: str, template: tuple[Any, ...], arity: int, node: Tree) -> tuple:
        return ("emit", self._control_step(kind, template, arity, node), node)

    def _emit(self, kind: str, template: tuple[Any, ...], arity: int, node: Tree) -> None:
        self.steps.append(self._control_step(kind, template, arity, node))
        if self.origins is not None:
            self.origins.append(node)

    def _control_step(
        self, kind: str, template: tuple[Any, ...], arity: int, node: Tree
    ) -> Instruction:
        return Instruction(kind, template, arity, node if self.keep_tree else _shallow(node))

    # --- expressions that decide what to evaluate ----------------------------------

    def _conditional(self, node: Tree, ctx: _Context) -> Iterator[tuple]:
        value, condition, alternative = node.children
        otherwise, end = Label(), Label()
        self.control = True
        yield ("node", condition, ctx)
        yield self._step("jump_if_false", (otherwise, CHILD), 1, node)
        yield ("node", value, ctx)
        yield self._step("jump", (end,), 0, node)
        yield ("label", otherwise, ctx)
        yield ("node", alternative, ctx)
        yield ("label", end, ctx)

    def _both(self, node: Tree, ctx: _Context) -> Iterator[tuple]:
        yield from self._short_circuit("and_jump", node, ctx)

    def _either(self, node: Tree, ctx: _Context) -> Iterator[tuple]:
        yield from self._short_circuit("or_jump", node, ctx)

    def _short_circuit(self, kind: str, node: Tree, ctx: _Context) -> Iterator[tuple]:
        left, right = node.children
        end = Label()
        self.control = True
        yield ("node", left, ctx)
        yield self._step(kind, (end,), 0, node)
        yield ("node", right, ctx)
        yield ("label", end, ctx)

    # --- statements --------------------------------------------------------------------

    def _block(self, node: Tree, ctx: _Context) -> Iterator[tuple]:
        for statement in node.children:
            if isinstance(statement, Tree):
                yield ("node", statement, ctx)

    def _value(self, node: Tree, ctx: _Context) -> Iterator[tuple]:
        raise self._error(
            "this value is computed and then not used: assign it (y = ...), or make it the "
            "program's last statement, its result; an expression that continues on the next "
            "line needs parentheses around it",
            node,
        )
        yield  # pragma: no cover

    def _assign(self, node: Tree, ctx: _Context) -> Iterator[tuple]:
        name, value = node.children
        self._target(str(name), node, ctx)
        yield ("node", value, ctx)
        yield self._step("store", (str(name), CHILD), 1, node)

    def _augmented(self, node: Tree, ctx: _Context) -> Iterator[tuple]:
        name, operator, value = node.children
        self._target(str(name), node, ctx)
        self._use(str(name), ctx)
        yield self._step("name", (name,), 0, node)
        yield ("node", value, ctx)
        yield self._step(_AUGMENTED[str(operator)], (CHILD, CHILD), 2, node)
        yield self._step("store", (str(name), CHILD), 1, node)

    def _return_(self, node: Tree, ctx: _Context) -> Iterator[tuple]:
        if not node.children:
            raise self._error("return needs a value: return EXPRESSION", node)
        yield ("node", node.children[0], ctx)
        yield self._step("return", (CHILD,), 1, node)

    def _pass_(self, node: Tree, ctx: _Context) -> Iterator[tuple]:
        yield from ()

    def _break_(self, node: Tree, ctx: _Context) -> Iterator[tuple]:
        if ctx.loop is None:
            raise self._error("break is only allowed inside a loop", node)
        yield self._step("jump", (ctx.loop[1],), 0, node)

    def _continue_(self, node: Tree, ctx: _Context) -> Iterator[tuple]:
        if ctx.loop is None:
            raise self._error("continue is only allowed inside a loop", node)
        yield self._step("jump", (ctx.loop[0],), 0, node)

    def _if_(self, node: Tree, ctx: _Context) -> Iterator[tuple]:
        self.control = True
        children = node.children
        end = Label()
        inner = _Context(ctx.function, ctx.loop, top=False)
        for condition, block in zip(children[0:-1:2], children[1:-1:2]):
            following = Label()
            yield ("node", condition, ctx)
            yield self._step("jump_if_false", (following, CHILD), 1, node)
            yield ("node", block, inner)
            yield self._step("jump", (end,), 0, node)
            yield ("label", following, ctx)
        if children[-1] is not None:
            yield ("node", children[-1], inner)
        yield ("label", end, ctx)

    def _while_(self, node: Tree, ctx: _Context) -> Iterator[tuple]:
        self.control = True
        condition, block = node.children
        top, again, end = Label(), Label(), Label()
        yield ("label", top, ctx)
        yield ("node", condition, ctx)
        yield self._step("jump_if_false", (end, CHILD), 1, node)
        yield ("node", block, _Context(ctx.function, (again, end), top=False))
        yield ("label", again, ctx)
        yield self._step("loop", (top,), 0, node)
        yield ("label", end, ctx)

    def _for_(self, node: Tree, ctx: _Context) -> Iterator[tuple]:
        self.control = True
        name, iterable, block = node.children
        self._target(str(name), node, ctx)
        if not (
            iterable.data == "call"
            and str(iterable.children[0]) == "range"
            and "range" not in self.functions
        ):
            raise self._error(
                "a for loop counts over range(...): for i in range(n), range(start, stop) "
                "or range(start, stop, step)",
                iterable,
            )
        arguments = iterable.children[1]
        if arguments is None or not 1 <= len(arguments.children) <= 3:
            raise self._error(
                "range takes 1 to 3 numbers: range(n), range(start, stop, step)", iterable
            )
        if any(isinstance(a, Tree) and a.data == "keyword" for a in arguments.children):
            raise self._error(
                "range takes its numbers by position: range(start, stop, step)", iterable
            )
        top, again, end = Label(), Label(), Label()
        counter = f"\x00range{len(self.steps)}:{id(node)}"
        yield ("node", arguments, ctx)
        yield self._step("range", (counter, CHILD), 1, iterable)
        yield ("label", top, ctx)
        yield self._step("next", (counter, str(name), end), 0, node)
        yield ("node", block, _Context(ctx.function, (again, end), top=False))
        yield ("label", again, ctx)
        yield self._step("loop", (top,), 0, node)
        yield ("label", end, ctx)

    def _def_(self, node: Tree, ctx: _Context) -> Iterator[tuple]:
        if not ctx.top or ctx.function is not None:
            raise self._error("define functions at the top level of the program", node)
        yield from ()  # its body is compiled after the program's own code

    # --- names -------------------------------------------------------------------------

    def _use(self, name: str, ctx: _Context) -> None:
        name = SPELLINGS.get(name, name)
        if ctx.function is not None and name in ctx.function.locals:
            return
        self.read.setdefault(name, None)

    def _target(self, name: str, node: Tree, ctx: _Context) -> None:
        self._check_name(name, node, "assign to")
        if name in self.functions:
            raise self._error(
                f"'{name}' is a function defined by the program; choose another name", node
            )
        if ctx.function is None:
            self.assigned.setdefault(name, node)

    def _check_name(self, name: str, node: Tree, doing: str) -> None:
        name = SPELLINGS.get(name, name)
        if name in CONSTANTS:
            raise self._error(
                f"cannot {doing} '{name}': it is a constant; choose another name", node
            )
        if name in OPS or name in ALIASES:
            raise self._error(
                f"cannot {doing} '{name}': it is a built-in function; choose another name", node
            )

    def _error(self, message: str, node: Tree) -> ExpressionError:
        column = node.meta.start_pos + 1 if not node.meta.empty else None
        return ExpressionError(message, source=self.source or None, column=column)


_Compiler._handlers = {
    kind: getattr(_Compiler, f"_{kind}")
    for kind in (
        "conditional", "both", "either", "block", "value", "assign", "augmented", "return_",
        "pass_", "break_", "continue_", "if_", "while_", "for_", "def_",
    )
}  # fmt: skip


def _shallow(node: Tree) -> Tree:
    """The node with its tokens, and its children with theirs, without deeper subtrees:
    what says what it computes (``sin(...)``, ``the power ²``)."""
    return Tree(
        node.data,
        [
            Tree(c.data, [g for g in c.children if not isinstance(g, Tree)])
            if isinstance(c, Tree)
            else c
            for c in node.children
        ],
    )


def _shallow_key(node: Tree) -> tuple:
    """What :func:`_shallow` keeps of the node, as a key: nodes with equal keys are alike."""
    key = [node.data]
    for child in node.children:
        if child.__class__ is Tree:
            key.append(child.data)
            for grandchild in child.children:
                if grandchild.__class__ is not Tree:
                    key.append(None if grandchild is None else str(grandchild))
            key.append(_END_OF_CHILD)
        else:
            key.append(None if child is None else str(child))
    return tuple(key)


_END_OF_CHILD = object()


def _registry_operation(step: Instruction) -> str | None:
    """The registry operation a step performs, if it performs one."""
    kind = step.kind
    if kind in ("call", "method"):
        name = str(step.template[0] if kind == "call" else step.template[1])
        return ALIASES.get(name, name)
    if kind in CONTROL or kind in STRUCTURAL or kind in ("negation", "call_user"):
        return None
    return kind


def _assigned_in(block: Tree) -> set[str]:
    """Names a function's body assigns: its local variables."""
    names: set[str] = set()
    stack = [block]
    while stack:
        node = stack.pop()
        if node.data in ("assign", "augmented", "for_"):
            names.add(str(node.children[0]))
        stack.extend(
            c
            for c in node.children
            if isinstance(c, Tree) and c.data in (*_BLOCKS, "block", *_STATEMENTS)
        )
    return names


def _top_level(statements: list[Tree]) -> Iterator[Tree]:
    """The statements of the program outside function bodies, blocks included."""
    stack = list(statements)
    while stack:
        node = stack.pop()
        if node.data == "def_":
            continue
        yield node
        stack.extend(
            c
            for c in node.children
            if isinstance(c, Tree) and c.data in (*_BLOCKS, "block", *_STATEMENTS)
        )
