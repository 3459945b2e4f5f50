//! Pages that show cases fetch them again when one changes. The server tells
//! them over `/events/cases` (server-sent events, see `web::live`), from
//! whichever server process the change was made on. Only in the browser, and
//! only on the pages that ask; without JavaScript a page shows what it had
//! when it was sent.

use leptos::prelude::*;
use rapport_types::views::cases::CaseNews;

/// News coming fast (a bulk change, a busy morning) is one refresh: the
/// first news starts this wait, and what comes during it is taken along.
#[cfg(feature = "hydrate")]
const GATHER: std::time::Duration = std::time::Duration::from_millis(700);

/// A count of the news this page has heard that `wanted` picks, for the key
/// of the page's resource: each change of it is a fetch. Opens the page's
/// event stream once it runs in the browser, and closes it with the page.
pub fn case_news(wanted: impl Fn(&CaseNews) -> bool + 'static) -> ReadSignal<u32> {
    let (count, set_count) = signal(0u32);
    let mut wanted = Some(wanted);
    Effect::new(move |_| {
        if let Some(wanted) = wanted.take() {
            listen(wanted, set_count);
        }
    });
    count
}

#[cfg(feature = "hydrate")]
fn listen(wanted: impl Fn(&CaseNews) -> bool + 'static, set_count: WriteSignal<u32>) {
    use send_wrapper::SendWrapper;
    use std::cell::Cell;
    use std::rc::Rc;
    use wasm_bindgen::closure::Closure;
    use wasm_bindgen::JsCast;

    let Ok(source) = web_sys::EventSource::new("/events/cases") else {
        return;
    };
    let gathering = Rc::new(Cell::new(false));
    let on_news =
        Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |event: web_sys::MessageEvent| {
            let Some(text) = event.data().as_string() else {
                return;
            };
            let Ok(news) = serde_json::from_str::<CaseNews>(&text) else {
                return;
            };
            if !wanted(&news) || gathering.get() {
                return;
            }
            gathering.set(true);
            let gathering = gathering.clone();
            set_timeout(
                move || {
                    gathering.set(false);
                    // The page may have gone meanwhile: then there is nobody to tell.
                    set_count.try_update(|n| *n += 1);
                },
                GATHER,
            );
        });
    source.set_onmessage(Some(on_news.as_ref().unchecked_ref()));
    // A stream ends every few minutes (and with the network); news committed
    // before the browser is back was not heard, so every reopening counts as
    // news of everything.
    let opened = Cell::new(0u32);
    let on_open = Closure::<dyn FnMut()>::new(move || {
        opened.set(opened.get() + 1);
        if opened.get() > 1 {
            set_count.try_update(|n| *n += 1);
        }
    });
    source.set_onopen(Some(on_open.as_ref().unchecked_ref()));
    let open = SendWrapper::new((source, on_news, on_open));
    on_cleanup(move || {
        let (source, _on_news, _on_open) = open.take();
        source.close();
    });
}

#[cfg(not(feature = "hydrate"))]
fn listen(_: impl Fn(&CaseNews) -> bool + 'static, _: WriteSignal<u32>) {}
