//! Time zone offsets from the browser's own tz database (`Intl.DateTimeFormat`): the core's
//! rotation takes them from its caller and carries no zone tables.

use js_sys::{Array, Date, Function, Object, Reflect};
use mcp_status_core::alerting::oncall::gmt_offset;
use mcp_status_core::monitor::record::Millis;
use wasm_bindgen::{JsCast, JsValue};

/// The UTC offset, in minutes, of the IANA zone `zone` at `at`; `None` when the browser does
/// not know the zone.
pub fn offset_minutes(zone: &str, at: Millis) -> Option<i32> {
    let intl = Reflect::get(&js_sys::global(), &"Intl".into()).ok()?;
    let constructor: Function = Reflect::get(&intl, &"DateTimeFormat".into())
        .ok()?
        .dyn_into()
        .ok()?;
    let options = Object::new();
    Reflect::set(&options, &"timeZone".into(), &zone.into()).ok()?;
    Reflect::set(&options, &"timeZoneName".into(), &"longOffset".into()).ok()?;
    // An unknown zone throws a RangeError: caught here, never a panic.
    let format = Reflect::construct(&constructor, &Array::of2(&"en-US".into(), &options)).ok()?;
    let format_to_parts: Function = Reflect::get(&format, &"formatToParts".into())
        .ok()?
        .dyn_into()
        .ok()?;
    let date = Date::new(&JsValue::from_f64(at as f64));
    let parts: Array = format_to_parts
        .call1(&format, &date)
        .ok()?
        .dyn_into()
        .ok()?;
    parts.iter().find_map(|part| {
        let kind = Reflect::get(&part, &"type".into()).ok()?.as_string()?;
        if kind != "timeZoneName" {
            return None;
        }
        gmt_offset(&Reflect::get(&part, &"value".into()).ok()?.as_string()?)
    })
}
