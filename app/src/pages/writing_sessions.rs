//! `/write/:id/sessions`: a workshop's sessions, for its trainers: adding and
//! changing sessions, who is registered and who waits, cancelling a session,
//! and after it, who came.
//!
//! Plain forms posting to server functions, so the page works without
//! JavaScript: the server answers with a redirect back here, and a refused
//! session form comes back with its error and what was typed (in the address).
//! Once hydrated the forms are sent in the background, and the page reloads
//! its data after each success.
//!
//! Several forms share one action (one "Add" form and a "Change" form per
//! session), so each remembers which form was sent last and only that form
//! shows the answer.
use super::writing_preview::article_id;
use crate::api::workshops::{workshop_admin, CancelSession, MarkAttendance, SaveSession};
use crate::components::form::{action_error, field_error, success_count, FormError};
use crate::components::panels::{title_text, ErrorPanel, TableScroll};
use crate::error::AppError;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};
use leptos_router::params::ParamsMap;
use rapport_types::views::workshops::{Participant, SessionAdmin, SessionView, WorkshopPlan};
use rapport_types::{RegistrationStatus, SessionStatus};

/// A new session's length and places, until the trainer says otherwise.
const DEFAULT_DURATION: &str = "90";
const DEFAULT_CAPACITY: &str = "12";

/// The session form's fields, in the order `save_session` keeps them.
const FIELDS: [&str; 7] = [
    "date",
    "time",
    "time_zone",
    "duration_minutes",
    "capacity",
    "place",
    "online_url",
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum FormKind {
    Save,
    Cancel,
    Attendance,
}

/// A form on the page: its kind and its session (0: the new session). The
/// session is not known after a refused post without JavaScript whose address
/// does not say it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Sent {
    kind: FormKind,
    session: Option<i64>,
}

/// The page's actions, and which form was sent last.
#[derive(Clone, Copy)]
struct Forms {
    save: ServerAction<SaveSession>,
    cancel: ServerAction<CancelSession>,
    attendance: ServerAction<MarkAttendance>,
    sent: RwSignal<Option<Sent>>,
}

impl Forms {
    fn new(query: &ParamsMap) -> Forms {
        let session = query
            .get("session_id")
            .and_then(|id| id.parse::<i64>().ok());
        let came_back = query.get("__path").and_then(|path| {
            let kind = if path == SaveSession::PATH {
                // The add form, unless the address names the session.
                return Some(Sent {
                    kind: FormKind::Save,
                    session: Some(session.unwrap_or(0)),
                });
            } else if path == CancelSession::PATH {
                FormKind::Cancel
            } else if path == MarkAttendance::PATH {
                FormKind::Attendance
            } else {
                return None;
            };
            Some(Sent { kind, session })
        });
        let forms = Forms {
            save: ServerAction::new(),
            cancel: ServerAction::new(),
            attendance: ServerAction::new(),
            sent: RwSignal::new(came_back),
        };
        // Remember the form as it is sent: the answer comes later.
        let sent = forms.sent;
        Effect::new(move |_| {
            if let Some(input) = forms.save.input().get() {
                sent.set(Some(Sent {
                    kind: FormKind::Save,
                    session: Some(input.session_id),
                }));
            }
        });
        Effect::new(move |_| {
            if let Some(input) = forms.cancel.input().get() {
                sent.set(Some(Sent {
                    kind: FormKind::Cancel,
                    session: Some(input.session_id),
                }));
            }
        });
        Effect::new(move |_| {
            if let Some(input) = forms.attendance.input().get() {
                sent.set(Some(Sent {
                    kind: FormKind::Attendance,
                    session: Some(input.session_id),
                }));
            }
        });
        forms
    }

    /// The error of the form `kind` of `session`, if it was the one sent last.
    fn error(self, kind: FormKind, session: Option<i64>) -> Signal<Option<AppError>> {
        let error = match kind {
            FormKind::Save => action_error(self.save),
            FormKind::Cancel => action_error(self.cancel),
            FormKind::Attendance => action_error(self.attendance),
        };
        let sent = self.sent;
        Signal::derive(move || {
            (sent.get() == Some(Sent { kind, session }))
                .then(|| error.get())
                .flatten()
        })
    }

    /// What to say after the form `kind` of `session` succeeded, if it was the
    /// one sent last and nothing is pending.
    fn done(self, kind: FormKind, session: i64) -> Signal<Option<&'static str>> {
        let sent = self.sent;
        Signal::derive(move || {
            if sent.get()
                != Some(Sent {
                    kind,
                    session: Some(session),
                })
            {
                return None;
            }
            let succeeded = match kind {
                FormKind::Save => {
                    !self.save.pending().get() && matches!(self.save.value().get(), Some(Ok(_)))
                }
                FormKind::Cancel => {
                    !self.cancel.pending().get() && matches!(self.cancel.value().get(), Some(Ok(_)))
                }
                FormKind::Attendance => {
                    !self.attendance.pending().get()
                        && matches!(self.attendance.value().get(), Some(Ok(_)))
                }
            };
            succeeded.then_some(match (kind, session) {
                (FormKind::Save, 0) => "Session added. It is listed below.",
                (FormKind::Save, _) => "Changes saved.",
                (FormKind::Cancel, _) => {
                    "Session cancelled. Everyone registered or waiting is told by e-mail."
                }
                (FormKind::Attendance, _) => "Attendance saved. The session is marked as held.",
            })
        })
    }
}

#[component]
pub fn WorkshopSessionsAdminPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let forms = Forms::new(&query.read_untracked());
    let (saved, cancelled, marked) = (
        success_count(forms.save),
        success_count(forms.cancel),
        success_count(forms.attendance),
    );
    // Reloaded after a success only: a refused form keeps what was typed.
    let plan = Resource::new(
        move || {
            (
                article_id(&params),
                saved.get(),
                cancelled.get(),
                marked.get(),
            )
        },
        |(id, _, _, _)| async move { workshop_admin(id?).await },
    );
    view! {
        <Transition fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match plan.await {
                    Ok(plan) => view! { <Plan plan forms/> }.into_any(),
                    Err(e) => view! { <ErrorPanel error=e/> }.into_any(),
                }
            })}
        </Transition>
    }
}

/// The values a session form starts with.
#[derive(Debug, Clone, Default, PartialEq)]
struct SessionValues {
    date: String,
    time: String,
    time_zone: String,
    duration_minutes: String,
    capacity: String,
    place: String,
    online_url: String,
}

impl SessionValues {
    fn new_session(default_time_zone: &str) -> SessionValues {
        SessionValues {
            time_zone: default_time_zone.to_string(),
            duration_minutes: DEFAULT_DURATION.into(),
            capacity: DEFAULT_CAPACITY.into(),
            ..SessionValues::default()
        }
    }

    fn of(s: &SessionAdmin) -> SessionValues {
        SessionValues {
            date: s.date.clone(),
            time: s.time.clone(),
            time_zone: s.time_zone.clone(),
            duration_minutes: s.session.duration_minutes.to_string(),
            capacity: s.session.capacity.to_string(),
            place: s.session.place.clone(),
            online_url: s.session.online_url.clone().unwrap_or_default(),
        }
    }

    /// What was typed into the form of `session`, when a post of it without
    /// JavaScript was refused (the address carries it back).
    fn kept(query: &ParamsMap, session: i64) -> Option<SessionValues> {
        if query.get("__path").as_deref() != Some(SaveSession::PATH) {
            return None;
        }
        let named = query
            .get("session_id")
            .and_then(|id| id.parse::<i64>().ok())
            .unwrap_or(0);
        if named != session {
            return None;
        }
        let [date, time, time_zone, duration_minutes, capacity, place, online_url]: [String; 7] =
            FIELDS.map(|name| query.get(name).unwrap_or_default());
        Some(SessionValues {
            date,
            time,
            time_zone,
            duration_minutes,
            capacity,
            place,
            online_url,
        })
    }
}

#[component]
fn Plan(plan: WorkshopPlan, forms: Forms) -> impl IntoView {
    let query = use_query_map();
    let editor = format!("/write/{}", plan.article_id);
    let new_values = SessionValues::kept(&query.read_untracked(), 0)
        .unwrap_or_else(|| SessionValues::new_session(&plan.default_time_zone));
    let count = plan.sessions.len();
    let zones = plan.time_zones.clone();
    let article = plan.article_id;
    // The page is patched in place when its data reloads, and a patched field
    // keeps what was typed into it. So the add form is made anew once a
    // session was added (the newest id changes), and a session's card once
    // anything in it changed; untouched cards keep what is being typed.
    let newest = plan
        .sessions
        .iter()
        .map(|s| s.session.id)
        .max()
        .unwrap_or(0);
    let new_form = {
        let zones = zones.clone();
        move |_| {
            view! {
                <SessionForm article session=0 version=0 values=new_values.clone() zones=zones.clone() forms
                    label="Add a session".to_string() button="Add session"/>
            }
        }
    };
    let sessions = plan.sessions;
    let card = move |s: SessionAdmin| view! { <SessionCard article s zones=zones.clone() forms/> };
    let zone = plan.default_time_zone;
    view! {
        <Title text=title_text(&format!("Sessions: {}", plan.title))/>
        <p class="breadcrumbs">
            <a href="/write">"Articles"</a> " › " <a href=editor.clone()>{plan.title.clone()}</a> " › Sessions"
        </p>
        <h1>{format!("Sessions of “{}”", plan.title)}</h1>
        <p class="article-status">
            {if plan.published {
                view! {
                    <span class="article-state article-state-published">"Published"</span>
                    <a href=format!("/kb/{}#sessions", plan.slug)>"Open the public page"</a>
                }.into_any()
            } else {
                view! { <span class="article-state">"Not published"</span> }.into_any()
            }}
            <a href=editor>"Back to the editor"</a>
        </p>
        {(!plan.published).then(|| view! {
            <p class="alert alert-info">"Readers see sessions once the workshop is published."</p>
        })}
        // Errors of forms this page cannot place (a refused post without JavaScript).
        <FormError error=forms.error(FormKind::Cancel, None)/>
        <FormError error=forms.error(FormKind::Attendance, None)/>
        <section class="panel trainer-session-new" aria-labelledby="new-session-heading">
            <h2 id="new-session-heading">"Add a session"</h2>
            <Done message=forms.done(FormKind::Save, 0)/>
            <For each=move || [newest] key=|newest| *newest children=new_form/>
        </section>
        <section class="trainer-sessions" aria-labelledby="sessions-heading">
            <h2 id="sessions-heading">
                "Sessions " <span class="count">{count}</span>
            </h2>
            {if count == 0 {
                view! { <p class="panel muted">"No sessions yet. Add the first one above."</p> }.into_any()
            } else {
                view! { <p class="muted">{format!("Times are in {zone}, the zone you read in.")}</p> }.into_any()
            }}
            <For each=move || sessions.clone() key=|s| format!("{s:?}") children=card/>
        </section>
    }
}

/// A success message, announced to screen readers. It takes the focus: the
/// form that was sent is usually made anew when the page reloads its data,
/// and the focus would otherwise fall back to the top of the page.
#[component]
fn Done(message: Signal<Option<&'static str>>) -> impl IntoView {
    move || {
        message.get().map(|text| {
            let node = NodeRef::<leptos::html::P>::new();
            node.on_load(|p| {
                let _ = p.focus();
            });
            view! { <p class="alert alert-success" role="status" tabindex="-1" node_ref=node>{text}</p> }
        })
    }
}

/// The form adding a session (`session` 0) or changing one.
#[component]
fn SessionForm(
    article: i64,
    session: i64,
    version: i32,
    values: SessionValues,
    zones: Vec<String>,
    forms: Forms,
    /// The form's name for assistive technology.
    label: String,
    button: &'static str,
) -> impl IntoView {
    let error = forms.error(FormKind::Save, Some(session));
    // Several session forms are on the page: their fields need ids of their own.
    let prefix = if session == 0 {
        "new-session".to_string()
    } else {
        format!("session-{session}")
    };
    let mut zone_options: Vec<(String, String)> =
        zones.into_iter().map(|z| (z.clone(), z)).collect();
    if !values.time_zone.is_empty() && !zone_options.iter().any(|(z, _)| *z == values.time_zone) {
        zone_options.insert(0, (values.time_zone.clone(), values.time_zone.clone()));
    }
    let pending = forms.save.pending();
    let sending = move || {
        pending.get()
            && forms.sent.get()
                == Some(Sent {
                    kind: FormKind::Save,
                    session: Some(session),
                })
    };
    view! {
        <ActionForm action=forms.save attr:class="form trainer-session-form" attr:novalidate=true attr:aria-label=label>
            <FormError error/>
            <input type="hidden" name="article_id" value=article/>
            <input type="hidden" name="session_id" value=session/>
            <input type="hidden" name="version" value=version/>
            <div class="trainer-session-when">
                <Input prefix=prefix.clone() label="Date" name="date" kind="date" value=values.date
                    error=field_error(error, "date")/>
                <Input prefix=prefix.clone() label="Start time" name="time" kind="time" value=values.time
                    error=field_error(error, "time")/>
                <ZoneSelect prefix=prefix.clone() options=zone_options selected=values.time_zone
                    error=field_error(error, "time_zone")/>
            </div>
            <div class="two-columns">
                <Input prefix=prefix.clone() label="Duration (minutes)" name="duration_minutes" kind="number"
                    value=values.duration_minutes min="15" error=field_error(error, "duration_minutes")/>
                <Input prefix=prefix.clone() label="Places" name="capacity" kind="number" value=values.capacity
                    min="1" error=field_error(error, "capacity")/>
            </div>
            <div class="two-columns">
                <Input prefix=prefix.clone() label="Place (address or room)" name="place" value=values.place
                    required=false hint="Leave it empty for a session held only online."
                    error=field_error(error, "place")/>
                <Input prefix=prefix.clone() label="Online link" name="online_url" kind="url" value=values.online_url
                    required=false hint="Only people with a place see it."
                    error=field_error(error, "online_url")/>
            </div>
            <p class="hint">"Give a place, an online link, or both."</p>
            <div class="actions">
                <button type="submit" class="button" disabled=move || pending.get()>{button}</button>
                {move || sending().then(|| view! { <span class="hint" role="status">"Saving…"</span> })}
            </div>
        </ActionForm>
    }
}

/// A labelled input of a session form, with its error below it (as `Field`,
/// with ids of its own form).
#[component]
fn Input(
    prefix: String,
    label: &'static str,
    name: &'static str,
    #[prop(default = "text")] kind: &'static str,
    #[prop(optional)] hint: Option<&'static str>,
    #[prop(optional)] min: Option<&'static str>,
    value: String,
    #[prop(default = true)] required: bool,
    error: Signal<Option<String>>,
) -> impl IntoView {
    let id = format!("{prefix}-{name}");
    let hint_id = format!("{id}-hint");
    let error_id = format!("{id}-error");
    let described_by = {
        let (hint_id, error_id) = (hint_id.clone(), error_id.clone());
        move || {
            let mut ids = Vec::new();
            if hint.is_some() {
                ids.push(hint_id.clone());
            }
            if error.get().is_some() {
                ids.push(error_id.clone());
            }
            (!ids.is_empty()).then(|| ids.join(" "))
        }
    };
    view! {
        <div class="field" class:has-error=move || error.get().is_some()>
            <label for=id.clone()>{label}</label>
            {hint.map(|h| view! { <p class="hint" id=hint_id>{h}</p> })}
            <input
                id=id
                name=name
                type=kind
                value=value
                min=min
                required=required
                autocomplete="off"
                aria-invalid=move || error.get().is_some().then_some("true")
                aria-describedby=described_by
            />
            {move || {
                error.get().map(|message| view! { <p class="field-error" id=error_id.clone()>{message}</p> })
            }}
        </div>
    }
}

/// The time zone of a session form (as `Select`, with ids of its own form).
#[component]
fn ZoneSelect(
    prefix: String,
    options: Vec<(String, String)>,
    selected: String,
    error: Signal<Option<String>>,
) -> impl IntoView {
    let id = format!("{prefix}-time_zone");
    let error_id = format!("{id}-error");
    let described_by = {
        let error_id = error_id.clone();
        move || error.get().is_some().then(|| error_id.clone())
    };
    view! {
        <div class="field" class:has-error=move || error.get().is_some()>
            <label for=id.clone()>"Time zone"</label>
            <select id=id name="time_zone"
                aria-invalid=move || error.get().is_some().then_some("true")
                aria-describedby=described_by>
                {options.into_iter().map(|(value, text)| {
                    let is_selected = value == selected;
                    view! { <option value=value selected=is_selected>{text}</option> }
                }).collect_view()}
            </select>
            {move || {
                error.get().map(|message| view! { <p class="field-error" id=error_id.clone()>{message}</p> })
            }}
        </div>
    }
}

/// "5 registered and 1 waiting people will be told by e-mail."
fn who_is_told(registered: i64, waiting: i64) -> String {
    if registered + waiting == 0 {
        return "Nobody is registered or waiting, so no e-mail is sent.".into();
    }
    let people = if registered + waiting == 1 {
        "person"
    } else {
        "people"
    };
    format!("{registered} registered and {waiting} waiting {people} will be told by e-mail.")
}

/// One session: its facts, its people, and what can be done with it now.
#[component]
fn SessionCard(article: i64, s: SessionAdmin, zones: Vec<String>, forms: Forms) -> impl IntoView {
    let query = use_query_map();
    let v: SessionView = s.session.clone();
    let id = v.id;
    let heading_id = format!("session-{id}-heading");
    let labelled_by = heading_id.clone();
    let heading = format!("{}–{}", v.starts, v.ends);
    let (registered, waiting): (Vec<Participant>, Vec<Participant>) = s
        .participants
        .iter()
        .filter(|p| p.status != RegistrationStatus::Cancelled)
        .cloned()
        .partition(|p| p.status == RegistrationStatus::Registered);
    let upcoming = v.status == SessionStatus::Scheduled && !v.past;
    let attendance = v.past && v.status != SessionStatus::Cancelled;
    // Changing it is refused: the disclosure opens, to show why.
    let kept = SessionValues::kept(&query.read_untracked(), id);
    let edit_open = kept.is_some();
    let edit_values = kept.unwrap_or_else(|| SessionValues::of(&s));
    let status_text = match (v.status, v.past) {
        (SessionStatus::Scheduled, true) => "Started",
        (status, _) => status.label(),
    };
    let waitlist_text = match v.waitlisted {
        0 => "Nobody waiting".to_string(),
        n => format!("{n} waiting"),
    };
    let people_count = format!("{} registered, {} waiting", registered.len(), waiting.len());
    view! {
        <article class=format!("card trainer-session trainer-session-{}", v.status.as_str()) aria-labelledby=labelled_by>
            <div class="trainer-session-head">
                <h2 id=heading_id>{heading.clone()}</h2>
                <span class=format!("trainer-session-status trainer-session-status-{}", v.status.as_str())>{status_text}</span>
            </div>
            <dl class="facts trainer-session-facts">
                <dt>"Places"</dt>
                <dd>{format!("{} of {} taken", v.registered, v.capacity)}</dd>
                <dt>"Waitlist"</dt>
                <dd>{waitlist_text}</dd>
                {(!v.place.is_empty()).then(|| view! {
                    <dt>"Place"</dt>
                    <dd>
                        {v.place.clone()}
                        {v.local_time.clone().map(|t| view! { <span class="muted">{format!(" ({t})")}</span> })}
                    </dd>
                })}
                {v.online.then(|| view! {
                    <dt>"Online"</dt>
                    <dd>
                        {match v.online_url.clone() {
                            Some(url) => {
                                let text = url.clone();
                                view! { <a href=url class="trainer-session-link">{text}</a> }.into_any()
                            }
                            None => view! { "Yes" }.into_any(),
                        }}
                    </dd>
                })}
                {v.trainer.clone().map(|t| view! { <dt>"Trainer"</dt><dd>{t}</dd> })}
            </dl>
            <Done message=forms.done(FormKind::Cancel, id)/>
            <FormError error=forms.error(FormKind::Cancel, Some(id))/>
            <h3 class="trainer-people-heading">"People " <span class="muted small">{format!("({people_count})")}</span></h3>
            <Participants registered=registered.clone() waiting=waiting.clone() upcoming/>
            {attendance.then(|| view! {
                <AttendanceForm session=v.clone() heading=heading.clone() registered=registered.clone() forms/>
            })}
            {upcoming.then(|| view! {
                <Done message=forms.done(FormKind::Save, id)/>
                <details class="trainer-session-edit" open=edit_open>
                    <summary>"Change this session"</summary>
                    <SessionForm article session=id version=v.version values=edit_values zones forms
                        label=format!("Change the session of {heading}") button="Save changes"/>
                </details>
                <ActionForm action=forms.cancel attr:class="trainer-session-cancel"
                    attr:aria-label=format!("Cancel the session of {heading}")>
                    <input type="hidden" name="session_id" value=id/>
                    <input type="hidden" name="version" value=v.version/>
                    <p class="hint">{who_is_told(v.registered, v.waitlisted)}</p>
                    <button type="submit" class="button trainer-cancel-button" disabled=move || forms.cancel.pending().get()>
                        "Cancel this session"
                    </button>
                </ActionForm>
            })}
        </article>
    }
}

/// The people of a session: those with a place, then the waitlist in order.
#[component]
fn Participants(
    registered: Vec<Participant>,
    waiting: Vec<Participant>,
    /// Registration is still open.
    upcoming: bool,
) -> impl IntoView {
    if registered.is_empty() && waiting.is_empty() {
        let text = if upcoming {
            "Nobody has registered yet."
        } else {
            "Nobody registered."
        };
        return view! { <p class="muted">{text}</p> }.into_any();
    }
    let row = |p: Participant, status: String| {
        let mail = format!("mailto:{}", p.email);
        view! {
            <tr>
                <td>{p.name}</td>
                <td>{p.organization.unwrap_or_default()}</td>
                <td class="trainer-email"><a href=mail>{p.email}</a></td>
                <td class="nowrap">{status}</td>
                <td class="nowrap">{p.since}</td>
            </tr>
        }
    };
    view! {
        <TableScroll label="Participants">
            <table class="table compact trainer-participants">
                <thead>
                    <tr>
                        <th scope="col">"Name"</th>
                        <th scope="col">"Organization"</th>
                        <th scope="col">"E-mail"</th>
                        <th scope="col">"Status"</th>
                        <th scope="col">"Since"</th>
                    </tr>
                </thead>
                <tbody>
                    {registered.into_iter().map(|p| {
                        let status = match p.attended {
                            Some(true) => "Registered, came".to_string(),
                            Some(false) => "Registered, did not come".to_string(),
                            None => RegistrationStatus::Registered.label().to_string(),
                        };
                        row(p, status)
                    }).collect_view()}
                    {waiting.into_iter().enumerate().map(|(i, p)| {
                        row(p, format!("{}. on the waitlist", i + 1))
                    }).collect_view()}
                </tbody>
            </table>
        </TableScroll>
    }
    .into_any()
}

/// After a session has started: who came. Saving marks the session as held.
#[component]
fn AttendanceForm(
    session: SessionView,
    heading: String,
    registered: Vec<Participant>,
    forms: Forms,
) -> impl IntoView {
    let id = session.id;
    let error = forms.error(FormKind::Attendance, Some(id));
    let note = if session.status == SessionStatus::Done {
        "Attendance was saved; you can still correct it."
    } else {
        "Tick who came, then save: the session is then marked as held."
    };
    view! {
        <ActionForm action=forms.attendance attr:class="trainer-attendance"
            attr:aria-label=format!("Attendance for the session of {heading}")>
            <FormError error/>
            <input type="hidden" name="session_id" value=id/>
            <fieldset>
                <legend>"Who came?"</legend>
                <p class="hint">{note}</p>
                {if registered.is_empty() {
                    view! { <p class="muted">"Nobody had a place."</p> }.into_any()
                } else {
                    registered.into_iter().map(|p| {
                        let box_id = format!("attended-{id}-{}", p.user_id);
                        view! {
                            <div class="checkbox">
                                <input type="checkbox" id=box_id.clone() name="present[]" value=p.user_id
                                    checked=p.attended == Some(true)/>
                                <label for=box_id>{p.name}</label>
                            </div>
                        }
                    }).collect_view().into_any()
                }}
            </fieldset>
            <button type="submit" class="button" disabled=move || forms.attendance.pending().get()>
                "Save attendance"
            </button>
            <Done message=forms.done(FormKind::Attendance, id)/>
        </ActionForm>
    }
}
