/** Every callback_id, action_id and block_id Rolecall uses, in one place. */
export const IDS = {
  /** Every action_id and callback_id below starts with this. */
  prefix: "rolecall_",
  command: "/team",
  views: {
    addMember: "rolecall_add_member",
    editMember: "rolecall_edit_member",
    permissions: "rolecall_permissions",
    rejectRequest: "rolecall_reject_request",
    changeRole: "rolecall_change_role",
    removeMember: "rolecall_remove_member",
    /** The holder asks for more time on a temporary grant. */
    extendGrant: "rolecall_extend_grant",
    /** An Owner approves a request for temporary access, for the time asked or less. */
    approveGrant: "rolecall_approve_grant",
  },
  actions: {
    listPage: "rolecall_list_page",
    listFilterRole: "rolecall_list_filter_role",
    listFilterStatus: "rolecall_list_filter_status",
    openPermissions: "rolecall_open_permissions",
    confirmRemove: "rolecall_confirm_remove",
    cancel: "rolecall_cancel",
    openAdd: "rolecall_open_add",
    apiKeyAsk: "rolecall_apikey_ask",
    apiKeyRotate: "rolecall_apikey_rotate",
    requestApprove: "rolecall_request_approve",
    requestReject: "rolecall_request_reject",
    requestCancel: "rolecall_request_cancel",
    requestAsk: "rolecall_request_ask",
    /** A team row's menu (or its one button): the row's block_id is the member's email. */
    memberAction: "rolecall_member_action",
    auditOlder: "rolecall_audit_older",
    /** Extend, on the reminder that a temporary grant is about to end: the value is its permission. */
    grantExtend: "rolecall_grant_extend",
  },
  blocks: {
    email: "email",
    name: "name",
    phone: "phone",
    role: "role",
    /** One checkbox group per changeable role: `perms_admin`, `perms_teammate`. */
    permsPrefix: "perms_",
    reason: "reason",
    duration: "duration",
  },
  /** The action_id of the single input element inside each form block. */
  inputs: {
    email: "email_input",
    name: "name_input",
    phone: "phone_input",
    role: "role_input",
    perms: "perms_input",
    reason: "reason_input",
    duration: "duration_input",
  },
} as const;
