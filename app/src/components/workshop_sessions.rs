//! The sessions of a workshop on its article page: when and where, the places
//! left, and registering, joining the waitlist or giving a place up. Also the
//! small pieces the workshop calendar shares: times, places and whereabouts.
use crate::api::workshops::{workshop_sessions, CancelRegistration, RegisterForSession};
use crate::components::form::FormError;
use crate::error::AppError;
use leptos::prelude::*;
use rapport_types::views::kb::ArticleView;
use rapport_types::views::workshops::{SessionList, SessionView};
use rapport_types::{ArticleKind, RegistrationStatus, SessionStatus};

/// "90 minutes", "2 hours", "1 hour 30 minutes".
pub fn duration_text(minutes: i32) -> String {
    let (hours, rest) = (minutes / 60, minutes % 60);
    let hours_text = match hours {
        1 => "1 hour".to_string(),
        n => format!("{n} hours"),
    };
    match (hours, rest) {
        (0, m) => format!("{m} minutes"),
        (_, 0) => hours_text,
        (_, m) => format!("{hours_text} {m} minutes"),
    }
}

/// "3 of 12 places left", or "Full — 2 on the waitlist".
pub fn places_text(s: &SessionView) -> String {
    if s.places_left > 0 {
        format!("{} of {} places left", s.places_left, s.capacity)
    } else {
        format!("Full — {} on the waitlist", s.waitlisted)
    }
}

/// The start and end: "Tue 8 Dec 2026, 14:00–16:00", as a `<time>`.
#[component]
pub fn SessionTime(session: SessionView) -> impl IntoView {
    view! {
        <time datetime=session.starts_at.clone()>{format!("{}–{}", session.starts, session.ends)}</time>
    }
}

/// Where: the place and/or "Online" (a link only for those who may join, and
/// only while the session is on: also once it has started, for latecomers).
#[component]
pub fn Whereabouts(session: SessionView) -> impl IntoView {
    let place = (!session.place.is_empty()).then(|| {
        view! { <span class="session-place">{session.place.clone()}</span> }
    });
    let link = session
        .online_url
        .clone()
        .filter(|_| session.status == SessionStatus::Scheduled);
    let online = match link {
        Some(url) => Some(
            view! {
                <span class="session-online">
                    <a href=url rel="noopener noreferrer">"Online: join the session"</a>
                </span>
            }
            .into_any(),
        ),
        None if session.online => {
            Some(view! { <span class="session-online">"Online"</span> }.into_any())
        }
        None => None,
    };
    let both = place.is_some() && online.is_some();
    view! { {place} {both.then_some(" · ")} {online} }
}

/// A session's status, when it is not simply scheduled.
#[component]
pub fn SessionBadge(session: SessionView) -> impl IntoView {
    match session.status {
        SessionStatus::Scheduled if session.past => {
            Some(view! { <span class="badge session-badge session-past">"Started"</span> }.into_any())
        }
        SessionStatus::Scheduled => None,
        status => Some(
            view! {
                <span class=format!("badge session-badge session-{}", status.as_str())>{status.label()}</span>
            }
            .into_any(),
        ),
    }
}

/// "Times in Europe/Zurich", with a link to change it for signed-in people.
#[component]
pub fn ZoneNote(time_zone: String, signed_in: bool) -> impl IntoView {
    view! {
        <p class="zone-note muted small">
            "Times in " {time_zone}
            {signed_in.then(|| view! { " · " <a href="/account#time-zone">"Change"</a> })}
        </p>
    }
}

/// Which form finished last.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Last {
    Register,
    Cancel,
}

/// A workshop page's sessions and the two forms that change them.
///
/// The page creates this with its article (not inside its `Suspense`): a resource
/// created while a `Suspend` renders may be created twice on the server, and the
/// browser then hydrates against the wrong one. The list is only asked for when
/// the article turns out to be a workshop, and again after each registration.
#[derive(Clone, Copy)]
pub struct WorkshopSessions {
    pub register: ServerAction<RegisterForSession>,
    pub cancel: ServerAction<CancelRegistration>,
    /// `None`: the article is not a workshop.
    pub list: Resource<Result<Option<SessionList>, AppError>>,
    /// Which form finished last, so its outcome is the one shown.
    last: RwSignal<Option<Last>>,
}

impl WorkshopSessions {
    pub fn new(
        slug: impl Fn() -> String + Send + Sync + 'static,
        article: Resource<Result<ArticleView, AppError>>,
    ) -> WorkshopSessions {
        let register = ServerAction::<RegisterForSession>::new();
        let cancel = ServerAction::<CancelRegistration>::new();
        let list = Resource::new(
            move || {
                (
                    slug(),
                    register.version().get(),
                    cancel.version().get(),
                    crate::context::browser_zone_changes(),
                )
            },
            move |(slug, _, _, _)| async move {
                match article.await {
                    Ok(a) if a.kind == ArticleKind::Workshop => {
                        workshop_sessions(slug).await.map(Some)
                    }
                    Ok(_) => Ok(None),
                    Err(e) => Err(e),
                }
            },
        );
        // An action's version grows when it finishes: the last one to finish speaks.
        let last = RwSignal::new(None::<Last>);
        Effect::new(move |_| {
            if register.version().get() > 0 {
                last.set(Some(Last::Register));
            }
        });
        Effect::new(move |_| {
            if cancel.version().get() > 0 {
                last.set(Some(Last::Cancel));
            }
        });
        WorkshopSessions {
            register,
            cancel,
            list,
            last,
        }
    }

    /// What the last form did: a message, or why it was refused.
    fn outcome(self) -> Option<Result<&'static str, AppError>> {
        let registered = || {
            self.register.value().get().map(|result| {
                result.map(|status| match status {
                    RegistrationStatus::Registered => {
                        "You are registered. A confirmation e-mail with a calendar file is on its way."
                    }
                    RegistrationStatus::Waitlisted => "The session is full: you are on the waitlist.",
                    RegistrationStatus::Cancelled => "Your registration is cancelled.",
                })
            })
        };
        let cancelled = || {
            self.cancel
                .value()
                .get()
                .map(|result| result.map(|()| "Your registration is cancelled."))
        };
        match self.last.get() {
            Some(Last::Register) => registered(),
            Some(Last::Cancel) => cancelled(),
            // Without JavaScript a refused form comes back with its error in the address.
            None => registered().or_else(cancelled),
        }
    }
}

/// The sessions of the workshop at `slug`, with registration.
#[component]
pub fn WorkshopSessionsPanel(
    sessions: WorkshopSessions,
    #[prop(into)] slug: String,
) -> impl IntoView {
    let WorkshopSessions {
        register,
        cancel,
        list,
        ..
    } = sessions;
    let message = move || sessions.outcome().and_then(Result::ok);
    let error = Signal::derive(move || sessions.outcome().and_then(Result::err));
    view! {
        <div class="session-outcome" role="status">
            {move || message().map(|text| view! { <p class="alert alert-success">{text}</p> })}
        </div>
        <FormError error/>
        <Transition fallback=|| view! { <p>"Loading sessions…"</p> }>
            {move || {
                let slug = slug.clone();
                Suspend::new(async move {
                    match list.await {
                        Ok(Some(list)) => view! { <SessionItems list slug register cancel/> }.into_any(),
                        Ok(None) => ().into_any(),
                        Err(e) => view! { <p class="alert alert-error" role="alert">{e.to_string()}</p> }
                            .into_any(),
                    }
                })
            }}
        </Transition>
    }
}

#[component]
fn SessionItems(
    list: SessionList,
    slug: String,
    register: ServerAction<RegisterForSession>,
    cancel: ServerAction<CancelRegistration>,
) -> impl IntoView {
    let SessionList {
        sessions,
        can_register,
        signed_in,
        time_zone,
    } = list;
    if sessions.is_empty() {
        return view! { <p class="muted">"No sessions are planned yet."</p> }.into_any();
    }
    let who = Who {
        can_register,
        signed_in,
        slug,
    };
    view! {
        <ZoneNote time_zone signed_in/>
        <ul class="session-list">
            {sessions
                .into_iter()
                .map(|session| view! { <SessionItem session who=who.clone() register cancel/> })
                .collect_view()}
        </ul>
    }
    .into_any()
}

/// What the reader may do, the same for every session of the list.
#[derive(Clone)]
struct Who {
    can_register: bool,
    signed_in: bool,
    slug: String,
}

#[component]
fn SessionItem(
    session: SessionView,
    who: Who,
    register: ServerAction<RegisterForSession>,
    cancel: ServerAction<CancelRegistration>,
) -> impl IntoView {
    let when_id = format!("session-{}-when", session.id);
    let open = session.status == SessionStatus::Scheduled && !session.past;
    let cancelled = session.status == SessionStatus::Cancelled;
    view! {
        <li class="session-card" class:session-closed=!open>
            <h3 class="session-when" id=when_id.clone()>
                <SessionTime session=session.clone()/>
                " " <SessionBadge session=session.clone()/>
            </h3>
            <p class="session-meta">
                {duration_text(session.duration_minutes)} " · " <Whereabouts session=session.clone()/>
            </p>
            {session.local_time.clone().map(|local| view! { <p class="muted small">"Local time: " {local}</p> })}
            {session.trainer.clone().map(|t| view! { <p class="muted small">"Trainer: " {t}</p> })}
            {open.then(|| view! { <p class="session-places">{places_text(&session)}</p> })}
            {(!cancelled).then(|| view! { <SessionAction session=session.clone() who when_id register cancel/> })}
        </li>
    }
}

/// The reader's place and the button that changes it.
#[component]
fn SessionAction(
    session: SessionView,
    who: Who,
    when_id: String,
    register: ServerAction<RegisterForSession>,
    cancel: ServerAction<CancelRegistration>,
) -> impl IntoView {
    let open = session.status == SessionStatus::Scheduled && !session.past;
    let id = session.id;
    let cancel_form = move |label: &'static str, when_id: String| {
        view! {
            <ActionForm action=cancel attr:class="inline-form">
                <input type="hidden" name="session_id" value=id/>
                <button type="submit" class="button-secondary" aria-describedby=when_id
                    disabled=move || cancel.pending().get()>{label}</button>
            </ActionForm>
        }
    };
    let view = match (session.mine, open) {
        (Some(RegistrationStatus::Registered), true) => view! {
            <div class="session-action">
                <p class="session-mine">"You are registered"</p>
                {cancel_form("Cancel my registration", when_id)}
            </div>
        }
        .into_any(),
        (Some(RegistrationStatus::Waitlisted), true) => {
            let place = session
                .waitlist_place
                .map(|n| format!("You are number {n} on the waitlist"))
                .unwrap_or_else(|| "You are on the waitlist".to_string());
            view! {
                <div class="session-action">
                    <p class="session-mine session-mine-waitlist">{place}</p>
                    {cancel_form("Leave the waitlist", when_id)}
                </div>
            }
            .into_any()
        }
        (Some(RegistrationStatus::Registered), false) => {
            view! { <p class="session-mine">"You were registered"</p> }.into_any()
        }
        (_, false) => ().into_any(),
        (_, true) if who.can_register => {
            let label = if session.places_left > 0 {
                "Register"
            } else {
                "Join the waitlist"
            };
            view! {
                <div class="session-action">
                    <ActionForm action=register attr:class="inline-form">
                        <input type="hidden" name="session_id" value=id/>
                        <button type="submit" aria-describedby=when_id
                            disabled=move || register.pending().get()>{label}</button>
                    </ActionForm>
                </div>
            }
            .into_any()
        }
        (_, true) if !who.signed_in => view! {
            <p class="session-action">
                <a href=format!("/sign-in?next=/kb/{}", who.slug)>"Sign in to register"</a>
            </p>
        }
        .into_any(),
        (_, true) => ().into_any(),
    };
    view
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_as_words() {
        assert_eq!(duration_text(45), "45 minutes");
        assert_eq!(duration_text(60), "1 hour");
        assert_eq!(duration_text(120), "2 hours");
        assert_eq!(duration_text(90), "1 hour 30 minutes");
    }
}
