//! `contrast_auth_from_environment_with_options`: configuration as a particular agent reads it
//! (its own `/etc/contrast/<agent>/` directory) with the host's settings on top, for agents that
//! load the library through the C ABI (Python, Go, .NET, PHP).

use std::ffi::c_char;

use crate::config::ConfigSources;
use crate::ffi::auth::contrast_auth;
use crate::ffi::boundary::{Failure, arg_opt_str, arg_ref, arg_str, guard, out_ptr};
use crate::ffi::result::contrast_result;
use crate::ffi::trust::{contrast_bytes, trust_anchors_arg};

/// Longest accepted agent name, in bytes.
pub const CONTRAST_AGENT_NAME_MAX: usize = 64;

/// One host setting: a configuration key (`api.api_key`, or `contrast.api.api_key` as the
/// JVM's system properties spell it; also `config.path`) and its value, both NUL-terminated
/// UTF-8, only read during the call they are passed to.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct contrast_setting {
    /// The key (not NULL, not empty, printable ASCII without spaces).
    pub key: *const c_char,
    /// The value (not NULL; checked like the same key from any other source when loaded).
    pub value: *const c_char,
}

/// How `contrast_auth_from_environment_with_options` reads the configuration. Every field is
/// optional: zero-initialize the struct (`contrast_environment_options options = {0};`) and
/// set what you need; all zero reads the configuration exactly as
/// `contrast_auth_from_environment` does.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct contrast_environment_options {
    /// The agent's name (e.g. `python`, `go`, `dotnet-core`): `contrast_security.yaml` is also
    /// searched in `<system dir>/<agent>/`, after the working directory and before
    /// `<system dir>/`. 1 to `CONTRAST_AGENT_NAME_MAX` ASCII letters, digits, `-` or `_`.
    /// NULL: no agent directory.
    pub agent: *const c_char,
    /// `setting_count` host settings (NULL only when the count is 0): the highest precedence,
    /// above the environment and the YAML file. A key given twice keeps its last value.
    pub settings: *const contrast_setting,
    /// How many entries `settings` has.
    pub setting_count: usize,
    /// `trust_anchor_count` extra CA certificates (DER), as for
    /// `contrast_auth_from_environment_with_trust` (NULL only when the count is 0).
    pub trust_anchors: *const contrast_bytes,
    /// How many entries `trust_anchors` has.
    pub trust_anchor_count: usize,
    /// Replaces the system directory `/etc/contrast` (tests, relocated installations).
    /// NULL: `/etc/contrast`.
    pub system_config_dir: *const c_char,
}

/// Checks an agent name: it becomes a directory name, so only `[A-Za-z0-9_-]`.
fn check_agent(agent: &str) -> Result<(), Failure> {
    let valid = !agent.is_empty()
        && agent.len() <= CONTRAST_AGENT_NAME_MAX
        && agent
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if valid {
        Ok(())
    } else {
        Err(Failure::new(
            contrast_result::InvalidArgument,
            format!(
                "the agent name must be 1 to {CONTRAST_AGENT_NAME_MAX} ASCII letters, digits, \
                 '-' or '_'"
            ),
        ))
    }
}

/// Adds every host setting to `sources`.
///
/// # Safety
/// `settings` is NULL or points to `count` readable entries whose strings are NULL or
/// NUL-terminated.
unsafe fn add_settings(
    sources: &mut ConfigSources,
    settings: *const contrast_setting,
    count: usize,
) -> Result<(), Failure> {
    if count == 0 {
        return Ok(());
    }
    if settings.is_null() {
        return Err(Failure::null("settings"));
    }
    // SAFETY: non-NULL with `count` readable entries per this function's contract.
    let settings = unsafe { std::slice::from_raw_parts(settings, count) };
    for (index, setting) in settings.iter().enumerate() {
        let named = |failure: Failure| {
            Failure::new(failure.code, format!("setting {index}: {}", failure.detail))
        };
        // SAFETY: NULL or NUL-terminated per this function's contract.
        let key = unsafe { arg_str(setting.key, "key") }.map_err(named)?;
        if key.is_empty() || !key.bytes().all(|b| b.is_ascii_graphic()) {
            return Err(Failure::new(
                contrast_result::InvalidArgument,
                format!("setting {index}: the key must be printable ASCII without spaces"),
            ));
        }
        // SAFETY: as above. The value may be a secret: it is copied into one and never shown.
        let value = unsafe { arg_str(setting.value, "value") }.map_err(named)?;
        sources.set_host_value(key, value);
    }
    Ok(())
}

/// Creates a handle from the process configuration as the agent named in `options` reads it:
/// its host settings first, then `CONTRAST__API__*` environment variables, then
/// `contrast_security.yaml` (the host setting `config.path`, `CONTRAST_CONFIG_PATH`, the
/// working directory, `/etc/contrast/<agent>/`, `/etc/contrast/`), with `api.token` filling in
/// what is not set; plus the extra trust anchors, if any. Configuration errors are as for
/// `contrast_auth_from_environment`; trust anchors are checked as by
/// `contrast_auth_from_environment_with_trust`; a NULL string or an unusable key in `settings`
/// and a malformed agent name are NULL_ARGUMENT / INVALID_UTF8 / INVALID_ARGUMENT, and the
/// detail names the field (and the setting's index, never its value).
///
/// `contrast_auth_reload` re-reads the same sources (host settings as given here). Everything
/// `options` points to is only read during the call: the caller may free it once the call
/// returns. On success `*out` is a new handle owned by the caller (release it with
/// `contrast_auth_free`); on failure it is untouched. Thread-safe (but do not modify the
/// environment concurrently).
///
/// # Safety
/// `options` is NULL or points to a readable `contrast_environment_options` whose pointers are
/// NULL or valid as documented on each field; `out` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn contrast_auth_from_environment_with_options(
    options: *const contrast_environment_options,
    out: *mut *mut contrast_auth,
) -> contrast_result {
    guard(|| {
        // SAFETY: NULL or readable per the contract above.
        let options = unsafe { arg_ref(options, "options") }?;
        let out = out_ptr(out, "out")?;
        let mut sources = ConfigSources::from_process();
        // SAFETY: each is NULL or NUL-terminated per the field's documentation.
        let (agent, system_dir) = unsafe {
            (
                arg_opt_str(options.agent, "agent")?,
                arg_opt_str(options.system_config_dir, "system_config_dir")?,
            )
        };
        if let Some(agent) = agent {
            check_agent(agent)?;
            sources = sources.agent(agent);
        }
        if let Some(dir) = system_dir {
            if dir.is_empty() {
                return Err(Failure::new(
                    contrast_result::InvalidArgument,
                    "the argument `system_config_dir` is empty",
                ));
            }
            sources = sources.system_dir(dir);
        }
        // SAFETY: NULL or `setting_count` readable entries per the field's documentation.
        unsafe { add_settings(&mut sources, options.settings, options.setting_count) }?;
        // SAFETY: NULL or `trust_anchor_count` readable entries per the field's documentation.
        let anchors =
            unsafe { trust_anchors_arg(options.trust_anchors, options.trust_anchor_count) }?;
        contrast_auth::load(sources.trust_anchors(anchors))?.publish(out);
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use std::ffi::{CStr, CString};
    use std::ptr::{null, null_mut};

    use super::*;
    use crate::ffi::{contrast_auth_api_key, contrast_auth_free, contrast_auth_reload};

    const URL: &str = "https://app.contrastsecurity.com/Contrast";
    const SECRET_VALUE: &str = "PLANTEDSECRET9f3e";

    /// Owned C strings for a list of settings (kept alive while the pointers are used).
    struct Settings {
        _strings: Vec<CString>,
        entries: Vec<contrast_setting>,
    }

    fn settings(pairs: &[(&str, &str)]) -> Settings {
        let mut strings = Vec::new();
        let mut entries = Vec::new();
        for (key, value) in pairs {
            let (k, v) = (CString::new(*key).unwrap(), CString::new(*value).unwrap());
            entries.push(contrast_setting {
                key: k.as_ptr(),
                value: v.as_ptr(),
            });
            strings.push(k);
            strings.push(v);
        }
        Settings {
            _strings: strings,
            entries,
        }
    }

    fn credentials(api_key: &str) -> Settings {
        settings(&[
            ("api.url", URL),
            ("contrast.api.user_name", "agent_options@Org"),
            ("api.service_key", "SERVICEKEYOPTIONS1"),
            ("api.api_key", api_key),
        ])
    }

    fn options() -> contrast_environment_options {
        contrast_environment_options {
            agent: null(),
            settings: null(),
            setting_count: 0,
            trust_anchors: null(),
            trust_anchor_count: 0,
            system_config_dir: null(),
        }
    }

    fn create(
        options: &contrast_environment_options,
    ) -> Result<*mut contrast_auth, (contrast_result, String)> {
        let mut out = null_mut();
        // SAFETY: the options point to live locals; `out` is a local.
        let r = unsafe { contrast_auth_from_environment_with_options(options, &mut out) };
        if r == contrast_result::Ok {
            assert!(!out.is_null());
            Ok(out)
        } else {
            assert!(out.is_null(), "out untouched on failure");
            Err((r, crate::ffi::boundary::last_error()))
        }
    }

    fn api_key_of(auth: *mut contrast_auth) -> String {
        let mut buf = [0 as c_char; 128];
        let mut len = 0;
        // SAFETY: a live handle and a local buffer of the stated size.
        let r = unsafe { contrast_auth_api_key(auth, buf.as_mut_ptr(), buf.len(), &mut len) };
        assert_eq!(r, contrast_result::Ok);
        // SAFETY: NUL-terminated on success.
        unsafe { CStr::from_ptr(buf.as_ptr()) }
            .to_str()
            .unwrap()
            .to_string()
    }

    fn free(auth: *mut contrast_auth) {
        // SAFETY: a live handle, released once.
        unsafe { contrast_auth_free(auth) };
    }

    fn write_yaml(dir: &std::path::Path, api_key: &str) {
        std::fs::create_dir_all(dir).unwrap();
        std::fs::write(
            dir.join("contrast_security.yaml"),
            format!(
                "api:\n  url: {URL}\n  user_name: agent_yaml@Org\n  service_key: YAMLSERVICEKEY01\n  api_key: {api_key}\n"
            ),
        )
        .unwrap();
    }

    #[test]
    fn null_options_or_out_is_a_null_argument() {
        let mut out = null_mut();
        // SAFETY: NULL options, a local out.
        let r = unsafe { contrast_auth_from_environment_with_options(null(), &mut out) };
        assert_eq!(r, contrast_result::NullArgument);
        assert!(out.is_null());
        assert!(crate::ffi::boundary::last_error().contains("`options`"));
        let o = options();
        // SAFETY: live options, NULL out.
        let r = unsafe { contrast_auth_from_environment_with_options(&o, null_mut()) };
        assert_eq!(r, contrast_result::NullArgument);
    }

    #[test]
    fn host_settings_make_a_handle_and_the_last_duplicate_wins() {
        let mut s = credentials("APIKEYFIRST000");
        let later = settings(&[("api.api_key", "APIKEYSECOND00")]);
        s.entries.extend(later.entries.iter().copied());
        let mut o = options();
        o.settings = s.entries.as_ptr();
        o.setting_count = s.entries.len();
        let auth = create(&o).unwrap();
        assert_eq!(api_key_of(auth), "APIKEYSECOND00");
        free(auth);
    }

    #[test]
    fn the_agent_directory_is_searched_and_host_settings_beat_it() {
        let system = tempfile::tempdir().unwrap();
        write_yaml(&system.path().join("dotnet-core"), "APIKEYFROMAGENTDIR");
        let dir = CString::new(system.path().to_str().unwrap()).unwrap();
        let mut o = options();
        o.system_config_dir = dir.as_ptr();
        // Without the agent name, its directory is not searched.
        let (code, detail) = create(&o).unwrap_err();
        assert_eq!(code, contrast_result::Config, "{detail}");
        assert!(!detail.contains("dotnet-core"), "{detail}");
        o.agent = c"dotnet-core".as_ptr();
        let auth = create(&o).unwrap();
        assert_eq!(api_key_of(auth), "APIKEYFROMAGENTDIR");
        // A reload re-reads the agent's file.
        write_yaml(&system.path().join("dotnet-core"), "APIKEYRELOADED0001");
        let mut changed = 0;
        // SAFETY: a live handle and a local.
        let reloaded = unsafe { contrast_auth_reload(auth, &mut changed) };
        assert_eq!(reloaded, contrast_result::Ok);
        // The derived signing key changes with the API key.
        assert_eq!(
            changed,
            crate::ffi::CONTRAST_KEY_API_KEY | crate::ffi::CONTRAST_KEY_SIGNING_KEY
        );
        assert_eq!(api_key_of(auth), "APIKEYRELOADED0001");
        free(auth);
        // A host setting beats the file, also after a reload.
        let s = settings(&[("contrast.api.api_key", "APIKEYFROMHOST0001")]);
        o.settings = s.entries.as_ptr();
        o.setting_count = 1;
        let auth = create(&o).unwrap();
        assert_eq!(api_key_of(auth), "APIKEYFROMHOST0001");
        // SAFETY: a live handle and a local.
        let reloaded = unsafe { contrast_auth_reload(auth, &mut changed) };
        assert_eq!(reloaded, contrast_result::Ok);
        assert_eq!(api_key_of(auth), "APIKEYFROMHOST0001");
        free(auth);
    }

    #[test]
    fn malformed_agent_names_are_invalid_arguments() {
        let long = "a".repeat(CONTRAST_AGENT_NAME_MAX + 1);
        for bad in ["", "../etc", "dotnet core", "a/b", ".", long.as_str()] {
            let name = CString::new(bad).unwrap();
            let mut o = options();
            o.agent = name.as_ptr();
            let (code, detail) = create(&o).unwrap_err();
            assert_eq!(code, contrast_result::InvalidArgument, "{bad:?}");
            assert!(detail.contains("agent name"), "{detail}");
        }
        let bad_utf8 = [b'a', 0xff, 0];
        let mut o = options();
        o.agent = bad_utf8.as_ptr().cast();
        assert_eq!(create(&o).unwrap_err().0, contrast_result::InvalidUtf8);
        o.agent = null();
        o.system_config_dir = c"".as_ptr();
        assert_eq!(create(&o).unwrap_err().0, contrast_result::InvalidArgument);
    }

    #[test]
    fn bad_settings_name_their_index_never_their_value() {
        let mut o = options();
        o.setting_count = 2;
        let (code, detail) = create(&o).unwrap_err();
        assert_eq!(code, contrast_result::NullArgument);
        assert!(detail.contains("`settings`"), "{detail}");

        let secret = CString::new(SECRET_VALUE).unwrap();
        let bad_utf8 = [b'x', 0xfe, 0];
        let cases: [(contrast_setting, contrast_result, &str); 5] = [
            (
                contrast_setting {
                    key: null(),
                    value: secret.as_ptr(),
                },
                contrast_result::NullArgument,
                "`key`",
            ),
            (
                contrast_setting {
                    key: c"api.api_key".as_ptr(),
                    value: null(),
                },
                contrast_result::NullArgument,
                "`value`",
            ),
            (
                contrast_setting {
                    key: c"".as_ptr(),
                    value: secret.as_ptr(),
                },
                contrast_result::InvalidArgument,
                "key",
            ),
            (
                contrast_setting {
                    key: c"api key".as_ptr(),
                    value: secret.as_ptr(),
                },
                contrast_result::InvalidArgument,
                "key",
            ),
            (
                contrast_setting {
                    key: c"api.api_key".as_ptr(),
                    value: bad_utf8.as_ptr().cast(),
                },
                contrast_result::InvalidUtf8,
                "`value`",
            ),
        ];
        for (entry, expected, names) in cases {
            let mut s = credentials("APIKEYGOOD0001");
            s.entries.push(entry);
            o.settings = s.entries.as_ptr();
            o.setting_count = s.entries.len();
            let (code, detail) = create(&o).unwrap_err();
            assert_eq!(code, expected, "{detail}");
            assert!(
                detail.contains("setting 4") && detail.contains(names),
                "{detail}"
            );
            assert!(!detail.contains(SECRET_VALUE), "{detail}");
        }
        // A value with CR/LF, or an http:// URL: refused when loaded, naming the key only.
        let crlf = format!("{SECRET_VALUE}\r\nX-Injected: 1");
        let s = credentials(&crlf);
        o.settings = s.entries.as_ptr();
        o.setting_count = s.entries.len();
        let (code, detail) = create(&o).unwrap_err();
        assert_eq!(code, contrast_result::InvalidArgument, "{detail}");
        assert!(
            detail.contains("api_key") && !detail.contains(SECRET_VALUE),
            "{detail}"
        );
        let owned = settings(&[
            ("api.url", "http://app.contrastsecurity.com/Contrast"),
            ("api.user_name", "agent_options@Org"),
            ("api.service_key", "SERVICEKEYOPTIONS1"),
            ("api.api_key", "APIKEYGOOD0001"),
        ]);
        o.settings = owned.entries.as_ptr();
        o.setting_count = owned.entries.len();
        assert_eq!(create(&o).unwrap_err().0, contrast_result::TlsRequired);
    }

    #[test]
    fn trust_anchors_are_checked_as_for_with_trust() {
        let s = credentials("APIKEYGOOD0001");
        let junk = [0x30u8, 0x03, 0x01, 0x02, 0x03];
        let anchors = [contrast_bytes {
            data: junk.as_ptr(),
            len: junk.len(),
        }];
        let mut o = options();
        o.settings = s.entries.as_ptr();
        o.setting_count = s.entries.len();
        o.trust_anchors = anchors.as_ptr();
        o.trust_anchor_count = 1;
        let (code, detail) = create(&o).unwrap_err();
        assert_eq!(code, contrast_result::InvalidArgument);
        assert!(detail.contains("trust anchor 0"), "{detail}");
        o.trust_anchors = null();
        assert_eq!(create(&o).unwrap_err().0, contrast_result::NullArgument);
    }
}
