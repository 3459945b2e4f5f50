//! Workshops for readers: the calendar of upcoming sessions (filtered by category
//! and month) and the signed-in person's own registrations.
use crate::api::workshops::{my_workshops, workshop_calendar};
use crate::components::commerce::FilterError;
use crate::components::form::{Field, Select};
use crate::components::panels::ErrorPanel;
use crate::components::workshop_sessions::{
    places_text, SessionBadge, SessionTime, Whereabouts, ZoneNote,
};
use crate::context::use_auth;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use rapport_types::views::workshops::{CalendarMonth, CalendarPage, MyRegistration, SessionView};
use rapport_types::{RegistrationStatus, SessionStatus};

/// The filters of the address, in the order the server function takes them.
const FILTERS: [&str; 2] = ["category", "month"];

#[component]
pub fn WorkshopsPage() -> impl IntoView {
    let query = use_query_map();
    let filters = move || FILTERS.map(|name| query.read().get(name).unwrap_or_default());
    let calendar = Resource::new(
        move || (filters(), crate::context::browser_zone_changes()),
        |([category, month], _)| workshop_calendar(category, month),
    );
    let auth = use_auth();
    view! {
        <Title text="Workshops"/>
        <Transition fallback=|| view! { <p>"Loading…"</p> }>
            // Read the address before waiting: afterwards the request may be gone.
            {move || {
                let [category, month] = filters();
                Suspend::new(async move {
                    let signed_in = matches!(auth.user.await, Ok(Some(_)));
                    let filtered = !category.is_empty() || !month.is_empty();
                    let (list, categories) = match calendar.await {
                        Ok(page) => {
                            let categories = page.categories.clone();
                            (view! { <Calendar page signed_in filtered/> }.into_any(), categories)
                        }
                        Err(e) if e.field().is_some() => (
                            view! {
                                <FilterError error=e/>
                                <p><a href="/workshops">"Clear the filters"</a></p>
                            }
                            .into_any(),
                            Vec::new(),
                        ),
                        Err(e) => return view! { <ErrorPanel error=e/> }.into_any(),
                    };
                    let mut options = vec![(String::new(), "All categories".to_string())];
                    options.extend(categories);
                    view! {
                        <div class="page-head">
                            <h1>"Workshops"</h1>
                            {signed_in.then(|| view! {
                                <a class="button button-secondary" href="/my-workshops">"My workshops"</a>
                            })}
                        </div>
                        <p class="muted">"Training sessions with our trainers, on site and online."</p>
                        <form method="get" action="/workshops" class="filters" role="search" aria-label="Filter workshops">
                            <Select label="Category" name="category" options selected=category
                                error=Signal::derive(|| None::<String>)/>
                            <Field label="Month" name="month" kind="month" value=month required=false
                                error=Signal::derive(|| None::<String>)/>
                            <button type="submit" class="button">"Show"</button>
                        </form>
                        {list}
                    }
                    .into_any()
                })
            }}
        </Transition>
    }
}

/// One part of "My workshops": its heading, the registrations, or what to do when empty.
#[component]
fn RegistrationList(
    heading: &'static str,
    items: Vec<MyRegistration>,
    past: bool,
    empty: &'static str,
) -> impl IntoView {
    let heading_id = format!("{}-heading", heading.to_lowercase());
    let labelled_by = heading_id.clone();
    view! {
        <section class="my-workshops" aria-labelledby=labelled_by>
            <h2 id=heading_id>{heading}</h2>
            {if items.is_empty() {
                view! { <p class="panel muted">{empty} <a href="/workshops">"See the workshops"</a></p> }.into_any()
            } else {
                view! {
                    <ul class="session-list">
                        {items.into_iter().map(|r| view! { <MyItem r past/> }).collect_view()}
                    </ul>
                }.into_any()
            }}
        </section>
    }
}

#[component]
fn Calendar(page: CalendarPage, signed_in: bool, filtered: bool) -> impl IntoView {
    if page.months.is_empty() {
        return view! {
            <p class="panel muted">
                "No upcoming workshops match."
                {filtered.then(|| view! { " " <a href="/workshops">"Clear the filters"</a> })}
            </p>
        }
        .into_any();
    }
    view! {
        <ZoneNote time_zone=page.time_zone signed_in/>
        {page.months.into_iter().map(|month| view! { <Month month/> }).collect_view()}
    }
    .into_any()
}

#[component]
fn Month(month: CalendarMonth) -> impl IntoView {
    let heading_id = format!("month-{}", month.key);
    let labelled_by = heading_id.clone();
    view! {
        <section class="workshop-month" aria-labelledby=labelled_by>
            <h2 id=heading_id>{month.label}</h2>
            <ul class="session-list session-grid">
                {month.sessions.into_iter().map(|session| view! { <CalendarCard session/> }).collect_view()}
            </ul>
        </section>
    }
}

/// The reader's own standing in a session, as a badge.
pub(crate) fn mine_badge(status: RegistrationStatus) -> impl IntoView {
    let class = match status {
        RegistrationStatus::Registered => "badge badge-ok",
        RegistrationStatus::Waitlisted => "badge badge-warn",
        RegistrationStatus::Cancelled => "badge",
    };
    view! { <span class=class>{status.label()}</span> }
}

#[component]
fn CalendarCard(session: SessionView) -> impl IntoView {
    let href = format!("/kb/{}#sessions", session.workshop_slug);
    let mine = session
        .mine
        .filter(|m| *m != RegistrationStatus::Cancelled)
        .map(|status| {
            let place = session
                .waitlist_place
                .filter(|_| status == RegistrationStatus::Waitlisted)
                .map(|n| format!(" (number {n})"));
            view! { <p class="session-mine">"You: " {mine_badge(status)} {place}</p> }
        });
    view! {
        <li class="session-card">
            <h3 class="session-title"><a href=href>{session.workshop_title.clone()}</a></h3>
            <p class="session-when"><SessionTime session=session.clone()/> " " <SessionBadge session=session.clone()/></p>
            <p class="session-meta"><Whereabouts session=session.clone()/></p>
            {session.local_time.clone().map(|local| view! { <p class="muted small">"Local time: " {local}</p> })}
            <p class="session-places">{places_text(&session)}</p>
            {mine}
        </li>
    }
}

#[component]
pub fn MyWorkshopsPage() -> impl IntoView {
    let mine = Resource::new(crate::context::browser_zone_changes, |_| my_workshops());
    view! {
        <Title text="My workshops"/>
        <Transition fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                let mine = match mine.await {
                    Ok(m) => m,
                    Err(e) => return view! { <ErrorPanel error=e/> }.into_any(),
                };
                view! {
                    <div class="page-head">
                        <h1>"My workshops"</h1>
                        <a class="button button-secondary" href="/workshops">"All workshops"</a>
                    </div>
                    <ZoneNote time_zone=mine.time_zone signed_in=true/>
                    <RegistrationList heading="Upcoming" items=mine.upcoming past=false
                        empty="You are not registered for any upcoming workshop. "/>
                    <RegistrationList heading="Past" items=mine.past past=true
                        empty="No past workshops yet. "/>
                }
                .into_any()
            })}
        </Transition>
    }
}

/// "Attended", "Not marked as attended", or "—" before the trainer marked it.
fn attendance_text(attended: Option<bool>) -> &'static str {
    match attended {
        Some(true) => "Attended",
        Some(false) => "Not marked as attended",
        None => "—",
    }
}

#[component]
fn MyItem(r: MyRegistration, past: bool) -> impl IntoView {
    let MyRegistration {
        session,
        status,
        attended,
    } = r;
    let href = format!("/kb/{}#sessions", session.workshop_slug);
    // Attendance is marked for those who had a place in a session that took place.
    let attendance = past
        && status == RegistrationStatus::Registered
        && session.status != SessionStatus::Cancelled;
    view! {
        <li class="session-card" class:session-closed=past>
            <h3 class="session-title"><a href=href>{session.workshop_title.clone()}</a></h3>
            <p class="session-when"><SessionTime session=session.clone()/> " " <SessionBadge session=session.clone()/></p>
            <p class="session-meta"><Whereabouts session=session.clone()/></p>
            <p class="session-mine">"Status: " {mine_badge(status)}</p>
            {attendance.then(|| view! {
                <p class="session-attendance">"Attendance: " {attendance_text(attended)}</p>
            })}
        </li>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attendance_reads_as_words() {
        assert_eq!(attendance_text(Some(true)), "Attended");
        assert_eq!(attendance_text(Some(false)), "Not marked as attended");
        assert_eq!(attendance_text(None), "—");
    }
}
