//! Statements: loops and `break`/`continue`, `return`, imports and
//! `from __future__`, `global`/`nonlocal` declarations, `try` and `match`.

use rustpython_parser::ast::{self, Constant, Expr, Pattern, Ranged, Stmt};

use super::targets::TargetUse;
use super::{statements, values, Ctx, Pass, Pending, ScopeKind, Walker, Work};

/// A `for` loop, async or not.
struct ForLoop {
    is_async: bool,
    target: Expr,
    iter: Expr,
    body: Vec<Stmt>,
    orelse: Vec<Stmt>,
}

impl From<ast::StmtFor> for ForLoop {
    fn from(f: ast::StmtFor) -> Self {
        ForLoop { is_async: false, target: *f.target, iter: *f.iter, body: f.body, orelse: f.orelse }
    }
}

impl From<ast::StmtAsyncFor> for ForLoop {
    fn from(f: ast::StmtAsyncFor) -> Self {
        ForLoop { is_async: true, target: *f.target, iter: *f.iter, body: f.body, orelse: f.orelse }
    }
}

/// An `if` or `while`: the test, the body, then the `else` clause.
fn block(test: Expr, body: (Vec<Stmt>, Ctx), orelse: (Vec<Stmt>, Ctx)) -> Vec<Work> {
    let mut work = values([test], body.1);
    work.extend(statements(body.0, body.1));
    work.extend(statements(orelse.0, orelse.1));
    work
}

impl Walker<'_> {
    pub(super) fn stmt(&mut self, stmt: Stmt, ctx: Ctx) {
        let at: usize = stmt.start().into();
        let ctx = self.deeper(ctx, at);
        let in_loop = Ctx { in_loop: true, ..ctx };
        let work = match stmt {
            Stmt::FunctionDef(f) => self.function(f.into(), ctx, at),
            Stmt::AsyncFunctionDef(f) => self.function(f.into(), ctx, at),
            Stmt::ClassDef(c) => self.class(c, ctx, at),
            Stmt::Return(r) => self.return_stmt(r.value, ctx, at),
            Stmt::Delete(d) => self.targets(d.targets, TargetUse::Delete, ctx),
            Stmt::Assign(a) => {
                let single = a.targets.len() == 1;
                self.assignment(a.targets, TargetUse::Assign { single }, [Some(*a.value)], ctx)
            }
            Stmt::TypeAlias(_) => self.fail(Pass::Parser, at, "invalid syntax"),
            Stmt::AugAssign(a) => self.assignment(vec![*a.target], TargetUse::Augmented, [Some(*a.value)], ctx),
            Stmt::AnnAssign(a) => {
                let rest = [Some(*a.annotation), a.value.map(|v| *v)];
                self.assignment(vec![*a.target], TargetUse::Annotated, rest, ctx)
            }
            Stmt::For(f) => self.for_stmt(f.into(), ctx, at),
            Stmt::AsyncFor(f) => self.for_stmt(f.into(), ctx, at),
            Stmt::While(w) => block(*w.test, (w.body, in_loop), (w.orelse, ctx)),
            Stmt::If(i) => block(*i.test, (i.body, ctx), (i.orelse, ctx)),
            Stmt::With(w) => self.with_stmt(w.items, w.body, false, ctx, at),
            Stmt::AsyncWith(w) => self.with_stmt(w.items, w.body, true, ctx, at),
            Stmt::Match(m) => self.match_stmt(m, ctx),
            Stmt::Raise(r) => values(r.exc.into_iter().chain(r.cause).map(|x| *x), ctx),
            Stmt::Try(t) => self.try_stmt((t.body, t.handlers, t.orelse, t.finalbody), ctx),
            Stmt::TryStar(t) => self.try_stmt((t.body, t.handlers, t.orelse, t.finalbody), ctx),
            Stmt::Assert(a) => values(std::iter::once(*a.test).chain(a.msg.map(|m| *m)), ctx),
            Stmt::Import(i) => self.import(i, ctx),
            Stmt::ImportFrom(i) => self.import_from(i, ctx, at),
            Stmt::Global(g) => self.declare(g.names, ctx, at, "global"),
            Stmt::Nonlocal(n) => self.declare(n.names, ctx, at, "nonlocal"),
            Stmt::Expr(x) => values([*x.value], ctx),
            Stmt::Pass(_) => Vec::new(),
            Stmt::Break(_) if !ctx.in_loop => self.fail(Pass::Compiler, at, "'break' outside loop"),
            Stmt::Continue(_) if !ctx.in_loop => self.fail(Pass::Compiler, at, "'continue' not properly in loop"),
            Stmt::Break(_) | Stmt::Continue(_) => Vec::new(),
        };
        self.push_all(work);
    }

    /// Targets first, then the values, as CPython's symbol table visits them.
    fn assignment<const N: usize>(
        &mut self,
        targets: Vec<Expr>,
        use_: TargetUse,
        rest: [Option<Expr>; N],
        ctx: Ctx,
    ) -> Vec<Work> {
        let mut work = self.targets(targets, use_, ctx);
        work.extend(values(rest.into_iter().flatten(), ctx));
        work
    }

    fn import(&mut self, import: ast::StmtImport, ctx: Ctx) -> Vec<Work> {
        let scope = self.binding_scope(ctx.scope);
        for alias in import.names {
            let name = alias.asname.as_ref().unwrap_or(&alias.name).as_str();
            let first = name.split('.').next().unwrap_or(name).to_owned();
            self.bind(scope, &first);
        }
        Vec::new()
    }

    fn import_from(&mut self, import: ast::StmtImportFrom, ctx: Ctx, at: usize) -> Vec<Work> {
        let is_future = import.module.as_ref().is_some_and(|m| m.as_str() == "__future__");
        if is_future && ctx.scope != 0 {
            let message = "from __future__ imports must occur at the beginning of the file";
            self.report(Pass::Compiler, at, message);
        }
        for alias in import.names {
            if alias.name.as_str() != "*" {
                let name = alias.asname.as_ref().unwrap_or(&alias.name).as_str().to_owned();
                self.bind(ctx.scope, &name);
            } else if self.scopes[ctx.scope].kind != ScopeKind::Module {
                self.report(Pass::Symtable, at, "import * only allowed at module level");
            }
        }
        Vec::new()
    }

    /// `global` / `nonlocal`: CPython's symtable refuses a name already used,
    /// assigned or a parameter in this scope, and `nonlocal` at module level.
    fn declare(&mut self, names: Vec<ast::Identifier>, ctx: Ctx, at: usize, what: &str) -> Vec<Work> {
        let scope = ctx.scope;
        if what == "nonlocal" && self.scopes[scope].kind == ScopeKind::Module {
            return self.fail(Pass::Symtable, at, "nonlocal declaration not allowed at module level");
        }
        for name in names {
            let name = name.as_str().to_owned();
            let current = &self.scopes[scope];
            let problem = if current.params.contains(&name) {
                format!("name '{name}' is parameter and {what}")
            } else if current.bound.contains(&name) {
                format!("name '{name}' is assigned to before {what} declaration")
            } else if current.used.contains(&name) {
                format!("name '{name}' is used prior to {what} declaration")
            } else if what == "global" {
                self.scopes[scope].globals.insert(name);
                continue;
            } else {
                self.defer(at, Pending::Nonlocal { scope, name });
                continue;
            };
            return self.fail(Pass::Symtable, at, &problem);
        }
        Vec::new()
    }

    fn return_stmt(&mut self, value: Option<Box<Expr>>, ctx: Ctx, at: usize) -> Vec<Work> {
        match self.scopes[ctx.scope].kind {
            ScopeKind::Function { is_async: true } if value.is_some() => {
                self.defer(at, Pending::AsyncGeneratorReturn { scope: ctx.scope });
            }
            ScopeKind::Function { .. } => {}
            _ => self.report(Pass::Compiler, at, "'return' outside function"),
        }
        values(value.map(|v| *v), ctx)
    }

    fn in_async_function(&self, ctx: Ctx) -> bool {
        self.scopes[ctx.scope].kind == ScopeKind::Function { is_async: true }
    }

    /// The loop body is in the loop; its `else` clause is not.
    fn for_stmt(&mut self, f: ForLoop, ctx: Ctx, at: usize) -> Vec<Work> {
        if f.is_async && !self.in_async_function(ctx) {
            self.report(Pass::Compiler, at, "'async for' outside async function");
        }
        let mut work = self.targets(vec![f.target], TargetUse::For, ctx);
        work.extend(values([f.iter], ctx));
        work.extend(statements(f.body, Ctx { in_loop: true, ..ctx }));
        work.extend(statements(f.orelse, ctx));
        work
    }

    fn with_stmt(
        &mut self,
        items: Vec<ast::WithItem>,
        body: Vec<Stmt>,
        is_async: bool,
        ctx: Ctx,
        at: usize,
    ) -> Vec<Work> {
        if is_async && !self.in_async_function(ctx) {
            self.report(Pass::Compiler, at, "'async with' outside async function");
        }
        let mut work = Vec::new();
        for item in items {
            work.extend(values([item.context_expr], ctx));
            if let Some(vars) = item.optional_vars {
                work.extend(self.targets(vec![*vars], TargetUse::For, ctx));
            }
        }
        work.extend(statements(body, ctx));
        work
    }

    fn try_stmt(&mut self, parts: (Vec<Stmt>, Vec<ast::ExceptHandler>, Vec<Stmt>, Vec<Stmt>), ctx: Ctx) -> Vec<Work> {
        let (body, handlers, orelse, finalbody) = parts;
        let mut work = statements(body, ctx);
        let count = handlers.len();
        for (i, ast::ExceptHandler::ExceptHandler(handler)) in handlers.into_iter().enumerate() {
            if handler.type_.is_none() && i + 1 < count {
                let at = handler.range.start().into();
                self.report(Pass::Compiler, at, "default 'except:' must be last");
            }
            if let Some(name) = &handler.name {
                let scope = self.binding_scope(ctx.scope);
                self.bind(scope, name.as_str());
            }
            work.extend(values(handler.type_.map(|t| *t), ctx));
            work.extend(statements(handler.body, ctx));
        }
        work.extend(statements(orelse, ctx));
        work.extend(statements(finalbody, ctx));
        work
    }

    fn match_stmt(&mut self, m: ast::StmtMatch, ctx: Ctx) -> Vec<Work> {
        let count = m.cases.len();
        let mut work = values([*m.subject], ctx);
        for (i, case) in m.cases.into_iter().enumerate() {
            // Irrefutable patterns must be guarded or last (compile.c).
            if case.guard.is_none() && i + 1 < count {
                self.check_irrefutable(&case.pattern);
            }
            work.push(Work::Pattern(case.pattern, ctx));
            work.extend(values(case.guard.map(|g| *g), ctx));
            work.extend(statements(case.body, ctx));
        }
        work
    }

    fn check_irrefutable(&mut self, pattern: &Pattern) {
        let Pattern::MatchAs(p) = pattern else { return };
        if p.pattern.is_some() {
            return;
        }
        let message = match &p.name {
            Some(name) => format!("name capture '{name}' makes remaining patterns unreachable"),
            None => "wildcard makes remaining patterns unreachable".to_owned(),
        };
        self.report(Pass::Compiler, p.range.start().into(), message);
    }

    pub(super) fn pattern(&mut self, pattern: Pattern, ctx: Ctx) {
        let scope = self.binding_scope(ctx.scope);
        let sub = |p: Vec<Pattern>| p.into_iter().map(|p| Work::Pattern(p, ctx)).collect::<Vec<_>>();
        let mut bound = None;
        let work: Vec<Work> = match pattern {
            Pattern::MatchValue(p) => values([*p.value], ctx),
            Pattern::MatchSingleton(_) => Vec::new(),
            Pattern::MatchSequence(p) => sub(p.patterns),
            Pattern::MatchMapping(p) => {
                bound = p.rest;
                values(p.keys, ctx).into_iter().chain(sub(p.patterns)).collect()
            }
            Pattern::MatchClass(p) => {
                let patterns = p.patterns.into_iter().chain(p.kwd_patterns).collect();
                values([*p.cls], ctx).into_iter().chain(sub(patterns)).collect()
            }
            Pattern::MatchStar(p) => {
                bound = p.name;
                Vec::new()
            }
            Pattern::MatchAs(p) => {
                bound = p.name;
                sub(p.pattern.map(|p| *p).into_iter().collect())
            }
            Pattern::MatchOr(p) => sub(p.patterns),
        };
        if let Some(name) = bound {
            self.bind(scope, name.as_str());
        }
        self.push_all(work);
    }
}

/// `future.c`: the checks on `from __future__` imports.
impl Walker<'_> {
    /// `from __future__` only at the top of the module, and only
    /// for features that exist.
    pub(super) fn check_future_imports(&mut self, body: &[Stmt]) {
        let mut done = false;
        for (i, stmt) in body.iter().enumerate() {
            match stmt {
                Stmt::ImportFrom(import) if import.module.as_ref().is_some_and(|m| m.as_str() == "__future__") => {
                    let at = stmt.start().into();
                    if done {
                        let message = "from __future__ imports must occur at the beginning of the file";
                        self.report(Pass::Future, at, message);
                        return;
                    }
                    for alias in &import.names {
                        if let Some(message) = unknown_future_feature(alias.name.as_str()) {
                            self.report(Pass::Future, at, message);
                            return;
                        }
                    }
                }
                Stmt::Expr(e) if i == 0 && is_string(&e.value) => {}
                _ => done = true,
            }
        }
    }
}

fn unknown_future_feature(name: &str) -> Option<String> {
    const FEATURES: [&str; 10] = [
        "nested_scopes",
        "generators",
        "division",
        "absolute_import",
        "with_statement",
        "print_function",
        "unicode_literals",
        "barry_as_FLUFL",
        "generator_stop",
        "annotations",
    ];
    if FEATURES.contains(&name) {
        None
    } else if name == "braces" {
        Some("not a chance".to_owned())
    } else {
        Some(format!("future feature {name} is not defined"))
    }
}

fn is_string(expr: &Expr) -> bool {
    matches!(expr, Expr::Constant(c) if matches!(c.value, Constant::Str(_)))
}
