//! Expressions: `await`, `yield`, starred expressions, names and the scopes
//! they bind in, and unparenthesized generator arguments.

use rustpython_parser::ast::{self, Expr, ExprContext, Ranged};

use super::{element, elements, values, CompKind, Ctx, Pass, Role, ScopeKind, Walker, Work};
use crate::validate::python::tokens::matching_bracket;

impl Walker<'_> {
    pub(super) fn expr(&mut self, expr: Expr, ctx: Ctx, role: Role) {
        let at: usize = expr.start().into();
        let ctx = self.deeper(ctx, at);
        let work = match expr {
            Expr::BoolOp(x) => values(x.values, ctx),
            Expr::NamedExpr(x) => self.named_expr(x, ctx),
            Expr::BinOp(x) => values([*x.left, *x.right], ctx),
            Expr::UnaryOp(x) => values([*x.operand], ctx),
            Expr::Lambda(x) => self.lambda(x, ctx),
            Expr::IfExp(x) => values([*x.test, *x.body, *x.orelse], ctx),
            Expr::Dict(x) => values(x.keys.into_iter().flatten().chain(x.values), ctx),
            Expr::Set(x) => elements(x.elts, ctx),
            Expr::ListComp(x) => self.comp(CompKind::List, vec![*x.elt], x.generators, ctx, at),
            Expr::SetComp(x) => self.comp(CompKind::Set, vec![*x.elt], x.generators, ctx, at),
            Expr::DictComp(x) => self.comp(CompKind::Dict, vec![*x.key, *x.value], x.generators, ctx, at),
            Expr::GeneratorExp(x) => self.comp(CompKind::Generator, vec![*x.elt], x.generators, ctx, at),
            Expr::Await(x) => self.await_expr(*x.value, ctx, at),
            Expr::Yield(x) => self.yield_expr(x.value.map(|v| *v), false, ctx, at),
            Expr::YieldFrom(x) => self.yield_expr(Some(*x.value), true, ctx, at),
            Expr::Compare(x) => values(std::iter::once(*x.left).chain(x.comparators), ctx),
            Expr::Call(x) => self.call(x, ctx),
            Expr::FormattedValue(x) => values(std::iter::once(*x.value).chain(x.format_spec.map(|f| *f)), ctx),
            Expr::JoinedStr(x) => values(x.values, ctx),
            Expr::Constant(_) => Vec::new(),
            Expr::Attribute(x) => values([*x.value], ctx),
            Expr::Subscript(x) => vec![Work::Expr(*x.value, ctx, Role::Value), element(*x.slice, ctx)],
            Expr::Starred(x) => self.starred(*x.value, role, ctx, at),
            Expr::Name(x) => self.name(&x, ctx),
            Expr::List(x) => self.sequence(x.elts, x.ctx, ctx, at),
            Expr::Tuple(x) => self.sequence(x.elts, x.ctx, ctx, at),
            Expr::Slice(x) => values([x.lower, x.upper, x.step].into_iter().flatten().map(|e| *e), ctx),
        };
        self.push_all(work);
    }

    fn named_expr(&mut self, named: ast::ExprNamedExpr, ctx: Ctx) -> Vec<Work> {
        if let Expr::Name(name) = named.target.as_ref() {
            let scope = self.binding_scope(ctx.scope);
            self.bind(scope, name.id.as_str());
        }
        values([*named.value], ctx)
    }

    fn call(&mut self, call: ast::ExprCall, ctx: Ctx) -> Vec<Work> {
        if call.args.len() + call.keywords.len() > 1 {
            self.check_bare_generators(&call.args);
        }
        let mut work = values([*call.func], ctx);
        work.extend(elements(call.args, ctx));
        work.extend(values(call.keywords.into_iter().map(|k| k.value), ctx));
        work
    }

    /// A generator expression must be in its own brackets unless it is the
    /// only argument.
    fn check_bare_generators(&mut self, args: &[Expr]) {
        for arg in args {
            let Expr::GeneratorExp(generator) = arg else {
                continue;
            };
            let start = self.src.char_index(generator.range.start().into());
            let end = self.src.char_index(generator.range.end().into());
            let open = self.tokens.partition_point(|t| t.start < start);
            let close = matching_bracket(self.src, self.tokens, open);
            let parenthesized = self.tokens.get(open).is_some_and(|t| self.src.chars[t.start] == '(')
                && close.is_some_and(|c| self.tokens[c].end == end);
            if !parenthesized {
                let message = "Generator expression must be parenthesized";
                self.report(Pass::Parser, generator.range.start().into(), message);
            }
        }
    }

    fn sequence(&mut self, elts: Vec<Expr>, context: ExprContext, ctx: Ctx, at: usize) -> Vec<Work> {
        let starred = elts.iter().filter(|e| matches!(e, Expr::Starred(_))).count();
        if context == ExprContext::Store && starred > 1 {
            self.report(Pass::Compiler, at, "multiple starred expressions in assignment");
        }
        let role = if context == ExprContext::Store { Role::Target } else { Role::Element };
        let inner = if context == ExprContext::Store { Role::Element } else { role };
        elts.into_iter().map(|x| Work::Expr(x, ctx, inner)).collect()
    }

    fn name(&mut self, name: &ast::ExprName, ctx: Ctx) -> Vec<Work> {
        let id = name.id.as_str().to_owned();
        if id == "__debug__" && name.ctx != ExprContext::Load {
            let verb = if name.ctx == ExprContext::Del { "delete" } else { "assign to" };
            let message = format!("cannot {verb} __debug__");
            self.report(Pass::Compiler, name.range.start().into(), message);
        }
        let scope = &mut self.scopes[ctx.scope];
        match name.ctx {
            ExprContext::Load => scope.used.insert(id),
            ExprContext::Store | ExprContext::Del => scope.bound.insert(id),
        };
        Vec::new()
    }

    fn starred(&mut self, value: Expr, role: Role, ctx: Ctx, at: usize) -> Vec<Work> {
        let message = match role {
            Role::Element => None,
            Role::Target => Some("starred assignment target must be in a list or tuple"),
            Role::Value => Some("can't use starred expression here"),
        };
        if let Some(message) = message {
            self.report(Pass::Compiler, at, message);
        }
        values([value], ctx)
    }

    fn await_expr(&mut self, value: Expr, ctx: Ctx, at: usize) -> Vec<Work> {
        match self.scopes[ctx.scope].kind {
            ScopeKind::Module | ScopeKind::Class => self.report(Pass::Compiler, at, "'await' outside function"),
            ScopeKind::Function { is_async: false } | ScopeKind::Lambda => {
                self.report(Pass::Compiler, at, "'await' outside async function")
            }
            ScopeKind::Function { is_async: true } => {}
            // Makes the comprehension asynchronous (checked in `finish`).
            ScopeKind::Comprehension(_) => self.scopes[ctx.scope].is_coroutine = true,
        }
        values([value], ctx)
    }

    fn yield_expr(&mut self, value: Option<Expr>, from: bool, ctx: Ctx, at: usize) -> Vec<Work> {
        match self.scopes[ctx.scope].kind {
            ScopeKind::Module | ScopeKind::Class => self.report(Pass::Compiler, at, "'yield' outside function"),
            ScopeKind::Comprehension(kind) => {
                let message = format!("'yield' inside {}", kind.name());
                self.report(Pass::Symtable, at, message)
            }
            ScopeKind::Function { is_async } => {
                self.scopes[ctx.scope].is_generator = true;
                if is_async && from {
                    self.report(Pass::Compiler, at, "'yield from' inside async function");
                }
            }
            ScopeKind::Lambda => self.scopes[ctx.scope].is_generator = true,
        }
        values(value, ctx)
    }
}
