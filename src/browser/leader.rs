//! One tab at a time for a job across tabs: the tab that holds the job's Web Lock does it (the
//! prober: `PROBER`; the console's alerting desk: `DISPATCHER`); the others wait in the lock's
//! queue, and the browser hands the lock to the next one when the holder closes, or lets it go
//! (`release`: its database was taken over by a newer version of the page). Without Web
//! Locks, a lease in localStorage renewed every second stands in. Locks and leases are per
//! origin: their names are this deployment's (`deployment::name`), so that each status page
//! on a shared origin has its prober. A lease lives three seconds: one kept under the name
//! before is not carried over, it lapses.

use super::deployment;
use js_sys::{Function, Promise, Reflect};
use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

/// The locks' names at the origin's root (`deployment::name` gives them elsewhere).
pub const PROBER: &str = "mcp-status-prober";
pub const DISPATCHER: &str = "mcp-status-dispatcher";
/// A lease not renewed for this long is free (fallback only).
const LEASE_MS: i64 = 3_000;
const RENEW_MS: i32 = 1_000;

#[wasm_bindgen]
extern "C" {
    type LockManager;
    #[wasm_bindgen(method, js_name = request)]
    fn request(this: &LockManager, name: &str, callback: &Function) -> Promise;
    #[wasm_bindgen(method, js_name = query)]
    fn query(this: &LockManager) -> Promise;
}

/// Whether some tab of this deployment holds `lock` now; `None` when the browser cannot say
/// (no Web Locks: the lease's holder is then read from localStorage).
pub async fn is_held(lock: &str) -> Option<bool> {
    let lock = deployment::name(lock);
    let window = web_sys::window()?;
    let locks = Reflect::get(&window.navigator(), &JsValue::from_str("locks")).ok()?;
    if locks.is_undefined() || locks.is_null() {
        let storage = window.local_storage().ok()??;
        return Some(lease_of(&storage, &lock).1 >= js_sys::Date::now() as i64);
    }
    let promise = locks.unchecked_into::<LockManager>().query();
    let state = wasm_bindgen_futures::JsFuture::from(promise).await.ok()?;
    let held = js_sys::Array::from(&Reflect::get(&state, &JsValue::from_str("held")).ok()?);
    Some(held.iter().any(|info| {
        Reflect::get(&info, &JsValue::from_str("name"))
            .ok()
            .and_then(|name| name.as_string())
            .is_some_and(|name| name == lock)
    }))
}

thread_local! {
    /// What lets each lock this tab holds go: the resolver of the promise that keeps a Web
    /// Lock, or the lease's renewal.
    static HELD: RefCell<BTreeMap<String, Held>> = const { RefCell::new(BTreeMap::new()) };
}

enum Held {
    WebLock(Function),
    /// The renewal's interval, and this tab's mark in the lease.
    Lease(i32, String),
    /// Neither Web Locks nor storage: this tab is alone as far as it can tell.
    Alone,
}

/// Whether this tab holds `lock` now. A lease can be lost (a tab frozen past its three
/// seconds, another taking it over): the holder asks before each job.
pub fn holds(lock: &str) -> bool {
    let lock = deployment::name(lock);
    HELD.with(|held| match held.borrow().get(&lock) {
        Some(Held::WebLock(_)) | Some(Held::Alone) => true,
        Some(Held::Lease(_, me)) => {
            let storage = web_sys::window().and_then(|w| w.local_storage().ok().flatten());
            storage.is_some_and(|storage| {
                let (owner, until) = lease_of(&storage, &lock);
                owner == *me && until >= js_sys::Date::now() as i64
            })
        }
        None => false,
    })
}

/// Lets `lock` go if this tab holds it (or waits for it): the next tab in line takes it.
pub fn release(lock: &str) {
    let lock = deployment::name(lock);
    let Some(held) = HELD.with(|held| held.borrow_mut().remove(&lock)) else {
        return;
    };
    match held {
        Held::WebLock(resolve) => {
            let _ = resolve.call0(&JsValue::NULL);
        }
        Held::Alone => {}
        Held::Lease(interval, me) => {
            let Some(window) = web_sys::window() else {
                return;
            };
            window.clear_interval_with_handle(interval);
            if let Ok(Some(storage)) = window.local_storage() {
                if lease_of(&storage, &lock).0 == me {
                    let _ = storage.remove_item(&lock);
                }
            }
        }
    }
}

/// How this tab became the prober, for the page to say.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Leadership {
    WebLock,
    Lease,
}

/// Calls `on_lead` once, when this tab takes the lock `lock`; it keeps it until it closes.
pub fn when_leader(lock: &str, on_lead: impl FnOnce(Leadership) + 'static) {
    let lock = deployment::name(lock);
    let Some(window) = web_sys::window() else {
        return;
    };
    let locks = Reflect::get(&window.navigator(), &JsValue::from_str("locks"))
        .ok()
        .filter(|locks| !locks.is_undefined() && !locks.is_null());
    match locks {
        Some(locks) => {
            let name = lock.clone();
            let callback = Closure::once_into_js(move |_lock: JsValue| -> Promise {
                // Settles only when released: the lock is held until the tab goes away.
                let held = Promise::new(&mut |resolve, _| {
                    HELD.with(|held| {
                        held.borrow_mut()
                            .insert(name.clone(), Held::WebLock(resolve))
                    });
                });
                on_lead(Leadership::WebLock);
                held
            });
            let _ = locks
                .unchecked_into::<LockManager>()
                .request(&lock, callback.unchecked_ref());
        }
        None => lease(window, lock, on_lead),
    }
}

/// The fallback: claim the lease when it is free or ours, renew it while the tab lives.
fn lease(window: web_sys::Window, lock: String, on_lead: impl FnOnce(Leadership) + 'static) {
    let Ok(Some(storage)) = window.local_storage() else {
        // No storage at all: this tab is alone as far as it can tell.
        HELD.with(|held| held.borrow_mut().insert(lock, Held::Alone));
        on_lead(Leadership::Lease);
        return;
    };
    // Integers, not floats, in the lease: no float formatting or parsing code in the page.
    let me = ((js_sys::Math::random() * 9e15) as u64).to_string();
    let mark = me.clone();
    let name = lock.clone();
    let on_lead = Rc::new(RefCell::new(Some(on_lead)));
    let tick = Closure::<dyn Fn()>::new(move || {
        let now = js_sys::Date::now() as i64;
        let (owner, until) = lease_of(&storage, &lock);
        let free = until < now;
        if owner == me || free {
            let _ = storage.set_item(&lock, &format!("{me}@{}", now + LEASE_MS));
            if let Some(on_lead) = on_lead.borrow_mut().take() {
                on_lead(Leadership::Lease);
            }
        }
    });
    if let Ok(interval) = window.set_interval_with_callback_and_timeout_and_arguments_0(
        tick.as_ref().unchecked_ref(),
        RENEW_MS,
    ) {
        HELD.with(|held| held.borrow_mut().insert(name, Held::Lease(interval, mark)));
    }
    (tick.as_ref().unchecked_ref::<Function>())
        .call0(&JsValue::NULL)
        .ok();
    tick.forget();
}

/// The lease in localStorage under `lock`: who holds it, and until when (0: nobody, or a
/// value that does not read).
fn lease_of(storage: &web_sys::Storage, lock: &str) -> (String, i64) {
    let holder = storage.get_item(lock).ok().flatten().unwrap_or_default();
    let (owner, until) = holder.split_once('@').unwrap_or(("", "0"));
    (owner.to_owned(), until.parse().unwrap_or(0))
}
