namespace Larkway.WeCom.Http;

/// <summary>What to do about the refusals a team meets first, added to the exception.</summary>
internal static class WeComErrorHints
{
    public static string? For(string code) => code switch
    {
        WeComErrorCodes.UntrustedIp =>
            "this server's public IP is not among the app's trusted IPs: add it under the app's page → 企业可信IP in the WeCom admin console",
        WeComErrorCodes.AllRecipientsInvalid =>
            "no recipient is valid: every user, department and tag is unknown or outside the app's visible range (the app's page → 可见范围)",
        WeComErrorCodes.RateLimited45009 =>
            "the API's frequency limit was reached (an app may send a member 30 messages a minute, 1,000 an hour; a group robot 20 a minute): send less often or combine messages",
        WeComErrorCodes.InvalidAccessToken or WeComErrorCodes.AccessTokenExpired =>
            "the access token was refused even after a fresh one was fetched: check that CorpSecret belongs to this app and CorpId to this corp",
        WeComErrorCodes.InvalidSecret =>
            "WeCom refused the secret: copy the app's Secret again from its page in the admin console (it changes when reset), and check the CorpId",
        WeComErrorCodes.InvalidCorpId =>
            "the CorpId is unknown: copy it from My Company → Company Information (企业ID)",
        WeComErrorCodes.ApiForbidden =>
            "the app may not call this API: grant the permission (or use the contacts-sync secret for directory calls)",
        WeComErrorCodes.UserNotFound =>
            "the member does not exist or is outside the app's visible range",
        WeComErrorCodes.InvalidWebhookUrl =>
            "the robot's webhook key is not valid: copy the webhook again (it changes when the robot is removed and re-added)",
        "46004" =>
            "the userid does not exist",
        "301002" =>
            "the app may not read this member's field (sensitive fields need the member's own authorisation)",
        WeComErrorCodes.KfMessageLimit =>
            "5 messages were already sent since the customer last wrote: wait for their next message (or hand the session to a receptionist)",
        WeComErrorCodes.KfTimeLimit or WeComErrorCodes.KfNoRecentConsultation =>
            "the customer last wrote more than 48 hours ago: the app can send again only after they write",
        WeComErrorCodes.KfStateForbidsSending =>
            "the session's state does not let the app send: a receptionist holds it (state 3), or it is queued or ended; read it with service_state/get",
        WeComErrorCodes.KfSessionEnded =>
            "the session has ended: the customer's next message opens a new one",
        WeComErrorCodes.KfTransitionRefused =>
            "the session cannot move to that state from its current one (0 → 1/2/3, 1 → 2/3, 2 → 3, 3 → 3/4): read it with service_state/get",
        WeComErrorCodes.KfNotAServicer or WeComErrorCodes.KfServicerStopped =>
            "the member is not a receiving receptionist of this account (add them with servicer/add; they must be activated and receiving)",
        WeComErrorCodes.KfAccountNotDelegated =>
            "the customer-service account is not handed to this app: in the admin console, 微信客服 → 通过API管理微信客服账号, choose this app",
        WeComErrorCodes.KfInvalidToken =>
            "the token or code has expired (a callback's token lasts 10 minutes, a welcome code 20 seconds) or was used already",
        WeComErrorCodes.KfInvalidAccount or WeComErrorCodes.KfAccountNotFound =>
            "the open_kfid is not one of this corp's customer-service accounts (list them with account/list)",
        WeComErrorCodes.KfDuplicateMsgId =>
            "this msgid was used before in the account: use a new one for each message",
        _ => null,
    };
}
