//! Definitions and the other nodes that open a scope: functions, classes,
//! lambdas and comprehensions.

use rustpython_parser::ast::{self, Expr, Stmt};

use super::targets::TargetUse;
use super::{elements, statements, values, CompKind, Ctx, Pass, Pending, ScopeKind, Walker, Work};

/// A function definition, async or not.
pub(super) struct Function {
    is_async: bool,
    name: ast::Identifier,
    args: Box<ast::Arguments>,
    body: Vec<Stmt>,
    decorators: Vec<Expr>,
    returns: Option<Box<Expr>>,
    type_params: Vec<ast::TypeParam>,
}

impl From<ast::StmtFunctionDef> for Function {
    fn from(f: ast::StmtFunctionDef) -> Self {
        let (args, body, decorators, returns) = (f.args, f.body, f.decorator_list, f.returns);
        Function { is_async: false, name: f.name, args, body, decorators, returns, type_params: f.type_params }
    }
}

impl From<ast::StmtAsyncFunctionDef> for Function {
    fn from(f: ast::StmtAsyncFunctionDef) -> Self {
        let (args, body, decorators, returns) = (f.args, f.body, f.decorator_list, f.returns);
        Function { is_async: true, name: f.name, args, body, decorators, returns, type_params: f.type_params }
    }
}

impl Walker<'_> {
    pub(super) fn function(&mut self, f: Function, ctx: Ctx, at: usize) -> Vec<Work> {
        if !f.type_params.is_empty() {
            self.report_type_params(at, "expected '('");
        }
        let outer = self.binding_scope(ctx.scope);
        self.bind(outer, f.name.as_str());
        let kind = ScopeKind::Function { is_async: f.is_async };
        let scope = self.new_scope(kind, Some(ctx.scope));
        // Decorators, defaults and annotations belong to the enclosing scope.
        let mut work = values(f.decorators, ctx);
        work.extend(self.arguments(*f.args, scope, ctx, true));
        work.extend(values(f.returns.map(|r| *r), ctx));
        work.extend(statements(f.body, ctx.enter(scope)));
        work
    }

    /// 3.12's `def f[T]()` / `class C[T]`: CPython 3.11 stops at the `[`.
    fn report_type_params(&mut self, at: usize, message: &str) {
        let start = self.src.char_index(at);
        let offset = self.src.chars[start..].iter().position(|&c| c == '[');
        let bracket = start + offset.unwrap_or(0);
        self.report(Pass::Parser, self.src.byte_index(bracket), message);
    }

    /// Binds the parameters in `scope` and returns the defaults (and, for
    /// functions, the annotations) to visit in the enclosing context.
    fn arguments(&mut self, args: ast::Arguments, scope: usize, outer: Ctx, annotations: bool) -> Vec<Work> {
        let with_defaults = args.posonlyargs.into_iter().chain(args.args).chain(args.kwonlyargs);
        let mut work = Vec::new();
        let mut plain: Vec<ast::Arg> = Vec::new();
        for arg in with_defaults {
            work.extend(values(arg.default.map(|d| *d), outer));
            plain.push(arg.def);
        }
        plain.extend(args.vararg.map(|a| *a));
        plain.extend(args.kwarg.map(|a| *a));
        for arg in plain {
            self.scopes[scope].params.insert(arg.arg.as_str().to_owned());
            if annotations {
                work.extend(values(arg.annotation.map(|a| *a), outer));
            }
        }
        work
    }

    pub(super) fn class(&mut self, c: ast::StmtClassDef, ctx: Ctx, at: usize) -> Vec<Work> {
        if !c.type_params.is_empty() {
            self.report_type_params(at, "invalid syntax");
        }
        let outer = self.binding_scope(ctx.scope);
        self.bind(outer, c.name.as_str());
        let scope = self.new_scope(ScopeKind::Class, Some(ctx.scope));
        let mut work = values(c.decorator_list, ctx);
        work.extend(elements(c.bases, ctx));
        work.extend(values(c.keywords.into_iter().map(|k| k.value), ctx));
        work.extend(statements(c.body, ctx.enter(scope)));
        work
    }

    pub(super) fn lambda(&mut self, lambda: ast::ExprLambda, ctx: Ctx) -> Vec<Work> {
        let scope = self.new_scope(ScopeKind::Lambda, Some(ctx.scope));
        let mut work = self.arguments(*lambda.args, scope, ctx, false);
        let inner = ctx.enter(scope);
        work.extend(values([*lambda.body], inner));
        work
    }

    /// A comprehension: the first iterable is evaluated in the enclosing
    /// scope, the rest in the comprehension's own.
    pub(super) fn comp(
        &mut self,
        kind: CompKind,
        elts: Vec<Expr>,
        generators: Vec<ast::Comprehension>,
        ctx: Ctx,
        at: usize,
    ) -> Vec<Work> {
        let scope = self.new_scope(ScopeKind::Comprehension(kind), Some(ctx.scope));
        let inner = ctx.enter(scope);
        self.defer(at, Pending::Comprehension { scope });
        let mut work = Vec::new();
        for (i, generator) in generators.into_iter().enumerate() {
            if generator.is_async {
                self.scopes[scope].is_coroutine = true;
            }
            work.extend(values([generator.iter], if i == 0 { ctx } else { inner }));
            work.extend(self.targets(vec![generator.target], TargetUse::For, inner));
            work.extend(values(generator.ifs, inner));
        }
        work.extend(values(elts, inner));
        work
    }
}
