import type { types } from "@slack/bolt";
import type { MemberView } from "../../core/model.js";
import { PERMISSION_KEYS, PERMISSIONS, type PermissionKey } from "../../core/permissions.js";
import { type ChangeableRole, ROLE_LABEL, type Role } from "../../core/roles.js";
import { clip, esc } from "../escape.js";
import { IDS } from "../ids.js";
import { type Block, context, option, section, type View } from "./kit.js";

/** What a modal remembers between opening and submission. */
export interface ModalMetadata {
  /** The slash command's response_url, for the confirmation after submit. */
  responseUrl?: string;
  /** The member an Edit modal is about. */
  email?: string;
  /** The request a Reject modal is about. */
  requestId?: string;
  /** The one role a form could offer, so it shows no menu with a single choice. */
  role?: Role;
  /** What a confirmation form does to the member: remove them, or cancel their invite. */
  memberAction?: "remove" | "revoke";
}

const plainInput = (
  blockId: string,
  actionId: string,
  label: string,
  opts: {
    initial?: string | null;
    optional?: boolean;
    placeholder?: string;
    hint?: string;
    maxLength?: number;
  } = {},
): Block => ({
  type: "input",
  block_id: blockId,
  optional: opts.optional ?? false,
  label: { type: "plain_text", text: label },
  ...(opts.hint ? { hint: { type: "plain_text", text: opts.hint } } : {}),
  element: {
    type: "plain_text_input",
    action_id: actionId,
    ...(opts.initial ? { initial_value: opts.initial } : {}),
    ...(opts.placeholder ? { placeholder: { type: "plain_text", text: opts.placeholder } } : {}),
    ...(opts.maxLength ? { max_length: opts.maxLength } : {}),
  },
});

const roleSelect = (roles: readonly Role[], initial: Role): Block => {
  const options = roles.map((r) => option(ROLE_LABEL[r], r));
  return {
    type: "input",
    block_id: IDS.blocks.role,
    label: { type: "plain_text", text: "Role" },
    element: {
      type: "static_select",
      action_id: IDS.inputs.role,
      options,
      initial_option: options.find((o) => o.value === initial) ?? options[0],
    },
  };
};

const modal = (
  callbackId: string,
  title: string,
  submit: string,
  blocks: Block[],
  meta: ModalMetadata,
  close = "Cancel",
): View => ({
  type: "modal",
  callback_id: callbackId,
  title: { type: "plain_text", text: clip(title, 24) },
  submit: { type: "plain_text", text: clip(submit, 24) },
  close: { type: "plain_text", text: close },
  private_metadata: JSON.stringify(meta),
  blocks,
});

/**
 * The role part of a form: a menu when there is a choice; with one role, a line saying which (and
 * the form remembers it) — never a menu with one choice.
 */
const rolePart = (
  roles: readonly Role[],
  initial: Role,
  meta: ModalMetadata,
  only: (role: Role) => string,
): { blocks: Block[]; meta: ModalMetadata } => {
  if (roles.length > 1) return { blocks: [roleSelect(roles, initial)], meta };
  const role = roles[0] ?? initial;
  return { blocks: [context(only(role))], meta: { ...meta, role } };
};

export const addMemberModal = (assignable: readonly Role[], meta: ModalMetadata): View => {
  const role = rolePart(
    assignable,
    assignable.includes("teammate") ? "teammate" : (assignable[0] ?? "teammate"),
    meta,
    (r) => `They join as *${ROLE_LABEL[r]}*.`,
  );
  return modal(
    IDS.views.addMember,
    "Add member",
    "Send invite",
    [
      {
        type: "input",
        block_id: IDS.blocks.email,
        label: { type: "plain_text", text: "Email" },
        element: {
          type: "email_text_input",
          action_id: IDS.inputs.email,
          placeholder: { type: "plain_text", text: "name@company.com" },
        },
      },
      plainInput(IDS.blocks.name, IDS.inputs.name, "Full name", { optional: true, maxLength: 100 }),
      plainInput(IDS.blocks.phone, IDS.inputs.phone, "Phone", {
        optional: true,
        placeholder: "+447700900123",
        hint: "International (E.164) form, starting with +",
      }),
      ...role.blocks,
      context("They get an email with a link to join. The invite expires after a week."),
    ],
    role.meta,
  );
};

export const editMemberModal = (
  member: MemberView,
  assignable: readonly Role[],
  self: boolean,
  meta: ModalMetadata,
): View => {
  const roles = assignable.includes(member.role) ? assignable : [member.role, ...assignable];
  const role: Block[] = self
    ? [context("You cannot change your own role.")]
    : roles.length > 1
      ? [roleSelect(roles, member.role)]
      : [context(`Role: *${ROLE_LABEL[member.role]}*. Only an Owner can give another role.`)];
  return modal(
    IDS.views.editMember,
    "Edit member",
    "Save",
    [
      context(`Editing ${esc(member.email)}`),
      plainInput(IDS.blocks.name, IDS.inputs.name, "Full name", {
        optional: true,
        initial: member.name,
        maxLength: 100,
      }),
      plainInput(IDS.blocks.phone, IDS.inputs.phone, "Phone", {
        optional: true,
        initial: member.phone,
        placeholder: "+447700900123",
        hint: "International (E.164) form, starting with +; empty to clear",
      }),
      ...role,
    ],
    meta,
  );
};

/** Change role, from a team row: the roles the viewer may give, or the one, said in words. */
export const changeRoleModal = (member: MemberView, roles: readonly Role[], meta: ModalMetadata): View => {
  const named = esc(member.name || member.email);
  const choice: Block[] =
    roles.length > 1
      ? [
          {
            type: "input",
            block_id: IDS.blocks.role,
            label: { type: "plain_text", text: "New role" },
            element: {
              type: "radio_buttons",
              action_id: IDS.inputs.role,
              options: roles.map((r) => option(ROLE_LABEL[r], r)),
            },
          },
        ]
      : [
          section(
            `Make *${named}* ${article(roles[0] ?? member.role)} *${ROLE_LABEL[roles[0] ?? member.role]}*?`,
          ),
        ];
  return modal(
    IDS.views.changeRole,
    "Change role",
    roles.length > 1 ? "Change role" : `Make ${ROLE_LABEL[roles[0] ?? member.role]}`,
    [context(`*${named}* is ${article(member.role)} ${ROLE_LABEL[member.role]} now.`), ...choice],
    { ...meta, email: member.email, ...(roles.length === 1 ? { role: roles[0] } : {}) },
  );
};

const article = (role: Role) => (role === "owner" || role === "admin" ? "an" : "a");

/** Remove, or cancel an invite, from a team row: says what happens, and asks once. */
export const removeMemberModal = (member: MemberView, meta: ModalMetadata): View => {
  const named = esc(member.name ? `${member.name} (${member.email})` : member.email);
  const invited = member.status === "invited";
  return modal(
    IDS.views.removeMember,
    invited ? "Cancel invite" : "Remove member",
    invited ? "Cancel invite" : "Remove",
    [
      section(
        invited
          ? `Cancel the invite for *${named}*? The link in their email stops working. You can invite them again later.`
          : `Remove *${named}* from the team? They lose access at once; the audit trail keeps their history.`,
      ),
    ],
    { ...meta, email: member.email, memberAction: invited ? "revoke" : "remove" },
    "Go back",
  );
};

const permissionOption = (key: PermissionKey): types.Option => ({
  text: { type: "plain_text", text: PERMISSIONS[key].label },
  description: { type: "plain_text", text: clip(PERMISSIONS[key].description, 75) },
  value: key,
});

export const permissionsModal = (
  matrix: Partial<Record<Role, PermissionKey[]>>,
  editable: readonly ChangeableRole[],
  meta: ModalMetadata,
): View =>
  modal(
    IDS.views.permissions,
    "Access permissions",
    "Save",
    [
      context("*Owners* always hold every permission; their column cannot be changed."),
      ...editable.map((role): Block => {
        const held = PERMISSION_KEYS.filter((k) => matrix[role]?.includes(k)).map(permissionOption);
        return {
          type: "input",
          block_id: `${IDS.blocks.permsPrefix}${role}`,
          optional: true,
          label: { type: "plain_text", text: `${ROLE_LABEL[role]}s may use` },
          element: {
            type: "checkboxes",
            action_id: IDS.inputs.perms,
            options: PERMISSION_KEYS.map(permissionOption),
            ...(held.length > 0 ? { initial_options: held } : {}),
          },
        };
      }),
    ],
    meta,
  );

/** A read-only modal, for answers to buttons that have no message to answer in (App Home). */
export const messageModal = (message: { text: string; blocks: Block[] }): View => ({
  type: "modal",
  title: { type: "plain_text", text: "Rolecall" },
  close: { type: "plain_text", text: "Close" },
  blocks: message.blocks.length > 0 ? message.blocks : [context(message.text || "Done.")],
});

/** Rejecting a request asks for an optional reason, shown in the thread and to the requester. */
export const rejectRequestModal = (requestId: string, responseUrl?: string): View =>
  modal(
    IDS.views.rejectRequest,
    `Reject ${requestId}`,
    "Reject",
    [
      plainInput(IDS.blocks.reason, IDS.inputs.reason, "Reason (optional)", {
        optional: true,
        maxLength: 500,
        placeholder: "Shown to the requester and in the thread",
      }),
    ],
    // The click's response_url, for the deciding Owner's confirmation after submit.
    responseUrl ? { requestId, responseUrl } : { requestId },
  );
