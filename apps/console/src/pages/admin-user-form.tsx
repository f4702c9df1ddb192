import { type Appraiser, type InvitedUser, isTakstError, ROLES, type Role, type User } from '@takst/sdk';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useEffect, useId, useRef, useState } from 'react';
import { trpc } from '../api';
import { text } from '../text';
import { AdminRefusal } from './admin-feedback';

const words = text.admin.users.form;

/** How the platform names the form's fields in a refusal, in the admin's words. */
const FIELDS: Record<string, string> = {
  name: words.name,
  email: words.email,
  roles: words.roles,
  appraiserId: words.appraiser,
};

interface Draft {
  name: string;
  email: string;
  roles: Role[];
  appraiserId: string;
}

const draftOf = (user: User | undefined): Draft => ({
  name: user?.name ?? '',
  email: user?.email ?? '',
  roles: user ? [...user.roles] : [],
  appraiserId: user?.appraiserId ?? '',
});

/** What the form would refuse before asking the platform: no role, or an appraiser without a record. */
function problemsOf(draft: Draft): { roles?: string; appraiserId?: string } {
  return {
    ...(draft.roles.length === 0 ? { roles: words.rolesRequired } : {}),
    ...(draft.roles.includes('appraiser') && draft.appraiserId === '' ? { appraiserId: words.appraiserRequired } : {}),
  };
}

/** Only what changed, as `users.update` takes it; roles in the platform's order. */
function patchOf(user: User, draft: Draft) {
  const roles = ROLES.filter((role) => draft.roles.includes(role));
  const appraiserId = draft.appraiserId === '' ? null : draft.appraiserId;
  return {
    ...(draft.name.trim() !== user.name ? { name: draft.name.trim() } : {}),
    ...(draft.email.trim() !== user.email ? { email: draft.email.trim() } : {}),
    ...(roles.join() !== user.roles.join() ? { roles } : {}),
    ...(appraiserId !== user.appraiserId ? { appraiserId } : {}),
  };
}

function RoleChoices({
  chosen,
  problem,
  onChange,
}: {
  chosen: readonly Role[];
  problem: string | undefined;
  onChange: (roles: Role[]) => void;
}) {
  const problemId = useId();
  const toggle = (role: Role, on: boolean) =>
    onChange(on ? [...chosen, role] : chosen.filter((existing) => existing !== role));
  return (
    <fieldset aria-describedby={problem ? problemId : undefined}>
      <legend>{words.roles}</legend>
      <div className="admin-checks">
        {ROLES.map((role) => (
          <label key={role}>
            <input
              type="checkbox"
              name="roles"
              value={role}
              checked={chosen.includes(role)}
              onChange={(event) => toggle(role, event.target.checked)}
            />
            {text.roles[role]}
          </label>
        ))}
      </div>
      {problem ? (
        <p id={problemId} role="alert" className="alert alert-error small">
          {problem}
        </p>
      ) : null}
    </fieldset>
  );
}

function AppraiserChoice({
  appraisers,
  linkedTo,
  value,
  required,
  problem,
  onChange,
}: {
  appraisers: readonly Appraiser[];
  linkedTo: ReadonlyMap<string, string>;
  value: string;
  required: boolean;
  problem: string | undefined;
  onChange: (id: string) => void;
}) {
  const hintId = useId();
  const problemId = useId();
  return (
    <label>
      {words.appraiser}
      <span id={hintId} className="hint">
        {words.appraiserHint}
      </span>
      <select
        value={value}
        aria-required={required}
        aria-invalid={problem ? true : undefined}
        aria-describedby={problem ? `${hintId} ${problemId}` : hintId}
        onChange={(event) => onChange(event.target.value)}
      >
        <option value="">{words.appraiserNone}</option>
        {appraisers.map((appraiser) => {
          const other = appraiser.id === value ? undefined : linkedTo.get(appraiser.id);
          const inactive = appraiser.active ? '' : ` ${words.appraiserInactive}`;
          return (
            <option key={appraiser.id} value={appraiser.id} disabled={other !== undefined}>
              {`${appraiser.name}${inactive}${other ? ` ${words.appraiserLinkedTo(other)}` : ''}`}
            </option>
          );
        })}
      </select>
      {problem ? (
        <span id={problemId} role="alert" className="alert alert-error small">
          {problem}
        </span>
      ) : null}
    </label>
  );
}

/**
 * A new user (answered with their one-time set-password link) or changes to one, at the version
 * the admin saw: if someone else changed the person meanwhile the platform refuses, and says so.
 */
export function UserForm({
  user,
  appraisers,
  linkedTo,
  onCreated,
  onUpdated,
  onCancel,
}: {
  user?: User;
  appraisers: readonly Appraiser[];
  /** Appraiser records already linked, to the name of their person: one person per record. */
  linkedTo: ReadonlyMap<string, string>;
  onCreated: (invited: InvitedUser) => void;
  onUpdated: (user: User) => void;
  onCancel: () => void;
}) {
  const queryClient = useQueryClient();
  const titleId = useId();
  const headingRef = useRef<HTMLHeadingElement>(null);
  // The version being edited: after a refusal for a stale version, the one read again.
  const [base, setBase] = useState<User | undefined>(user);
  const [draft, setDraft] = useState<Draft>(() => draftOf(user));
  const [tried, setTried] = useState(false);
  const [unchanged, setUnchanged] = useState(false);
  useEffect(() => {
    headingRef.current?.focus();
  }, []);

  const refreshUsers = () => queryClient.invalidateQueries({ queryKey: trpc.users.pathKey() });
  const create = useMutation(
    trpc.users.create.mutationOptions({
      onSuccess: async (invited) => {
        await refreshUsers();
        onCreated(invited);
      },
    }),
  );
  const update = useMutation(
    trpc.users.update.mutationOptions({
      onSuccess: async (updated) => {
        await refreshUsers();
        onUpdated(updated);
      },
      // Someone else changed the person: show what they are now, to check and save again.
      onError: async (error) => {
        await refreshUsers();
        if (!user || !isTakstError(error) || error.code !== 'VERSION_CONFLICT') return;
        const fresh = await queryClient.fetchQuery(trpc.users.get.queryOptions({ id: user.id }));
        setBase(fresh);
        setDraft(draftOf(fresh));
      },
    }),
  );
  const pending = create.isPending || update.isPending;
  const problems = tried ? problemsOf(draft) : {};
  const set = (changes: Partial<Draft>) => {
    setUnchanged(false);
    setDraft((current) => ({ ...current, ...changes }));
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setTried(true);
    if (Object.keys(problemsOf(draft)).length > 0) return;
    if (!base) {
      create.mutate({
        name: draft.name.trim(),
        email: draft.email.trim(),
        roles: ROLES.filter((role) => draft.roles.includes(role)),
        ...(draft.appraiserId ? { appraiserId: draft.appraiserId } : {}),
      });
      return;
    }
    const patch = patchOf(base, draft);
    if (Object.keys(patch).length === 0) {
      setUnchanged(true);
      return;
    }
    update.mutate({ id: base.id, expectedVersion: base.version, patch });
  };

  return (
    <form className="card admin-form" aria-labelledby={titleId} onSubmit={submit}>
      <h2 id={titleId} ref={headingRef} tabIndex={-1}>
        {base ? words.editTitle(base.name) : words.createTitle}
      </h2>
      <div className="grid-2">
        <label>
          {words.name}
          <input
            name="name"
            required
            maxLength={200}
            autoComplete="off"
            value={draft.name}
            onChange={(event) => set({ name: event.target.value })}
          />
        </label>
        <label>
          {words.email}
          <input
            name="email"
            type="email"
            required
            autoComplete="off"
            value={draft.email}
            onChange={(event) => set({ email: event.target.value })}
          />
        </label>
      </div>
      <RoleChoices chosen={draft.roles} problem={problems.roles} onChange={(roles) => set({ roles })} />
      <AppraiserChoice
        appraisers={appraisers}
        linkedTo={linkedTo}
        value={draft.appraiserId}
        required={draft.roles.includes('appraiser')}
        problem={problems.appraiserId}
        onChange={(appraiserId) => set({ appraiserId })}
      />
      <AdminRefusal error={create.error ?? update.error} fields={FIELDS} />
      <p role="status" className={unchanged ? 'muted' : 'visually-hidden'}>
        {unchanged ? words.nothingChanged : ''}
      </p>
      <div className="admin-form-actions">
        <button type="submit" disabled={pending}>
          {pending ? text.admin.actions.working : base ? words.save : words.create}
        </button>
        <button type="button" className="button-secondary" onClick={onCancel}>
          {text.admin.actions.cancel}
        </button>
      </div>
    </form>
  );
}
