//! Files attached to cases, as both sides see them: the limits and the allowed
//! types (the server enforces them; the browser checks the same rules before
//! sending, so nobody waits for a 30 MB upload to be refused), the link a page
//! shows for a stored file, the file picker and the list of attached files.

use crate::error::AppError;
use leptos::prelude::*;
use leptos::server::ServerActionError;
use leptos::server_fn::error::ServerFnUrlError;
use rapport_types::attachments::{
    check_chosen, format_size, AttachmentLink, ChosenFile, ALLOWED_TYPES, FIELD, LIMITS_NOTE,
};
use std::future::Future;
use web_sys::{FormData, HtmlFormElement, SubmitEvent};

/// The files of a message or of the case description; nothing when there are none.
#[component]
pub fn AttachmentList(files: Vec<AttachmentLink>) -> impl IntoView {
    (!files.is_empty()).then(|| {
        view! {
            <ul class="attachments" aria-label="Attached files">
                {files
                    .into_iter()
                    .map(|file| {
                        view! {
                            <li>
                                // File names are the sender's text: shown escaped, as any text.
                                <a href=file.href download="" rel="nofollow">{file.file_name}</a>
                                " "
                                <span class="hint">"(" {file.size} ")"</span>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        }
    })
}

/// The `accept` attribute of the file input: the file picker offers these types first.
fn accept_list() -> String {
    ALLOWED_TYPES
        .iter()
        .map(|(ext, _)| format!(".{ext}"))
        .collect::<Vec<_>>()
        .join(",")
}

/// The files chosen in a file input.
fn chosen_in(input: &web_sys::HtmlInputElement) -> Vec<ChosenFile> {
    let Some(list) = input.files() else {
        return Vec::new();
    };
    (0..list.length())
        .filter_map(|i| list.get(i))
        .map(|file| ChosenFile {
            name: file.name(),
            size: file.size() as u64,
        })
        .collect()
}

/// "Attach files (optional)": the file input of a case form, with the limits
/// next to it, and (with JavaScript) the chosen files with their sizes and any
/// problem, before anything is sent. `chosen` is owned by the form, which
/// checks it on submit and empties it after a reset.
#[component]
pub fn AttachmentInput(
    #[prop(into)] error: Signal<Option<String>>,
    chosen: RwSignal<Vec<ChosenFile>>,
) -> impl IntoView {
    let id = format!("field-{FIELD}");
    let hint_id = format!("{id}-hint");
    let error_id = format!("{id}-error");
    let described_by = {
        let (hint_id, error_id) = (hint_id.clone(), error_id.clone());
        move || {
            if error.get().is_some() {
                format!("{hint_id} {error_id}")
            } else {
                hint_id.clone()
            }
        }
    };
    view! {
        <div class="field" class:has-error=move || error.get().is_some()>
            <label for=id.clone()>"Attach files (optional)"</label>
            <p class="hint" id=hint_id>{LIMITS_NOTE}</p>
            <input
                id=id
                type="file"
                name=FIELD
                multiple=true
                accept=accept_list()
                aria-invalid=move || error.get().is_some().then_some("true")
                aria-describedby=described_by
                on:change=move |ev| chosen.set(chosen_in(&event_target(&ev)))
            />
            {move || {
                let files = chosen.get();
                (!files.is_empty()).then(|| {
                    // Said once: not again while the same refusal shows as the error.
                    let problem = check_chosen(&files).filter(|p| error.get().as_ref() != Some(p));
                    view! {
                        <ul class="attachments" aria-label="Chosen files">
                            {files
                                .into_iter()
                                .map(|f| view! { <li>{f.name} " " <span class="hint">"(" {format_size(f.size)} ")"</span></li> })
                                .collect_view()}
                        </ul>
                        {problem.map(|p| view! { <p class="hint">{p}</p> })}
                    }
                })
            }}
            {move || {
                error.get().map(|message| view! { <p class="field-error" id=error_id.clone()>{message}</p> })
            }}
        </div>
    }
}

/// Sending a form with files through a server function that takes multipart
/// data. `ActionForm` only sends url-encoded forms, so the forms with files are
/// plain `<form method="post" enctype="multipart/form-data">` elements (which
/// work without JavaScript) whose submit this takes over once hydrated: it
/// checks the chosen files, sends the form's data and keeps the result.
#[derive(Clone, Copy)]
pub struct UploadAction {
    action: Action<FormData, Result<(), AppError>>,
    /// An error from before sending: the browser's own check of the files, or
    /// the error a plain form post came back with in the address.
    early: RwSignal<Option<AppError>>,
    successes: ReadSignal<usize>,
}

impl UploadAction {
    /// `path` is the server function's path (`CreateCase::PATH`); `send` calls it.
    pub fn new<F, Fu>(path: &'static str, send: F) -> UploadAction
    where
        F: Fn(FormData) -> Fu + 'static,
        Fu: Future<Output = Result<(), AppError>> + 'static,
    {
        // Without JavaScript, a failed post comes back to the page with its error
        // in the address (as `ServerAction` reads it for other forms).
        let from_address = use_context::<ServerActionError>()
            .filter(|e| e.path() == path)
            .map(|e| ServerFnUrlError::<AppError>::decode_err(e.err()));
        let action = Action::new_local(move |data: &FormData| send(data.clone()));
        let (successes, set_successes) = signal(0usize);
        Effect::new(move |_| {
            if let Some(Ok(())) = action.value().get() {
                set_successes.update(|n| *n += 1);
            }
        });
        UploadAction {
            action,
            early: RwSignal::new(from_address),
            successes,
        }
    }

    /// Why the last attempt failed, if it did.
    pub fn error(self) -> Signal<Option<AppError>> {
        Signal::derive(move || {
            self.early
                .get()
                .or_else(|| self.action.value().get().and_then(Result::err))
        })
    }

    /// True while the form is on its way.
    pub fn pending(self) -> Signal<bool> {
        self.action.pending().into()
    }

    /// The last attempt succeeded.
    pub fn sent(self) -> Signal<bool> {
        Signal::derive(move || matches!(self.action.value().get(), Some(Ok(()))))
    }

    /// How many times a form was sent successfully. Pages reload their data on
    /// this rather than on every attempt, so a refused form keeps what was typed.
    pub fn succeeded(self) -> ReadSignal<usize> {
        self.successes
    }

    /// The form's submit handler: send it ourselves, unless the chosen files
    /// break a limit (then nothing is sent and the problem is shown).
    pub fn submit(self, ev: &SubmitEvent, chosen: &[ChosenFile]) {
        ev.prevent_default();
        self.early.set(None);
        if let Some(problem) = check_chosen(chosen) {
            self.early.set(Some(AppError::invalid(FIELD, problem)));
            return;
        }
        let form = event_target::<HtmlFormElement>(ev);
        match FormData::new_with_form(&form) {
            Ok(data) => {
                self.action.dispatch_local(data);
            }
            // A browser that cannot build the form data can still post the form.
            Err(_) => {
                let _ = form.submit();
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(feature = "ssr")]
    #[test]
    fn the_list_links_each_file_with_its_name_escaped() {
        let files = vec![
            AttachmentLink::new("C-1001", 7, "<b>report</b>.pdf".into(), 1_258_291),
            AttachmentLink::new("C-1001", 8, "log.txt".into(), 10),
        ];
        let html = view! { <AttachmentList files/> }.to_html();
        assert!(
            html.contains("href=\"/cases/C-1001/attachments/7\""),
            "{html}"
        );
        assert!(html.contains("&lt;b&gt;report&lt;/b&gt;.pdf"), "{html}");
        assert!(
            html.contains("1.2 MB") && html.contains("10 bytes"),
            "{html}"
        );
        let empty = view! { <AttachmentList files=Vec::new()/> }.to_html();
        assert!(!empty.contains("<ul"), "{empty}");
    }
}
