using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;
using PatientContact.Inbox.Staff.SignIn;

namespace PatientContact.Inbox.Staff.Pages;

/// <summary>Signing in and out of the inbox: the page, a password, the organisation's account, and the delays after wrong tries.</summary>
public static partial class InboxPages
{
    private static async Task<IResult> LoginPageAsync(HttpContext context, IOptions<StaffOptions> options, string? returnUrl, string? problem, string? signedOut)
    {
        var session = await context.AuthenticateAsync(StaffClaims.Scheme);
        if (session.Succeeded && StaffMember.From(session.Principal) is not null)
        {
            return Results.Redirect(SafeReturn(returnUrl));
        }

        var notice = signedOut is not null ? "You have signed out."
            : problem switch
            {
                OidcNoServices => "Your account does not give you access to any service in this inbox. Ask your inbox administrator to add you.",
                OidcNoEmail => "Your organisation's account did not say your email address, so you cannot sign in here. Ask your inbox administrator.",
                "sign-in-failed" => "Signing in with your organisation's account did not work. Try again.",
                "disabled" => "Your account in this inbox is turned off. Ask your inbox administrator.",
                _ => null,
            };
        return Login(context, options.Value, null, returnUrl, [], notice, StatusCodes.Status200OK);
    }

    private const string OidcNoServices = "no-services";
    private const string OidcNoEmail = "no-email";

    private static async Task<IResult> SignInAsync(HttpContext context, LocalSignIn signIn, IOptions<StaffOptions> options)
    {
        var staff = options.Value;
        if (staff.SignIn != StaffSignInMode.Local)
        {
            return NotFoundPage(context);
        }

        var form = await context.Request.ReadFormAsync(context.RequestAborted);
        var email = form["email"].ToString().Trim();
        var password = form["password"].ToString();
        var returnUrl = form["returnUrl"].ToString();
        var problems = new List<FieldProblem>();
        if (email.Length == 0)
        {
            problems.Add(new FieldProblem("email", "Enter your email address."));
        }

        if (password.Length == 0)
        {
            problems.Add(new FieldProblem("password", "Enter your password."));
        }

        if (email.Length > StaffEmail.MaxLength || password.Length > 1024)
        {
            problems.Add(new FieldProblem("email", "Enter a correct email address and password."));
        }

        if (problems.Count > 0)
        {
            return Login(context, staff, email, returnUrl, problems, null, StatusCodes.Status400BadRequest);
        }

        var result = await signIn.SignInAsync(email, password, Web.ClientAddress.Key(context), context.RequestAborted);
        switch (result.Outcome)
        {
            case SignInOutcome.SignedIn:
                await context.SignInAsync(StaffClaims.Scheme, result.Member!.ToPrincipal(), new AuthenticationProperties { IsPersistent = false, AllowRefresh = true });
                return SeeOther(SafeReturn(returnUrl));
            case SignInOutcome.Delayed:
                context.Response.Headers.RetryAfter = Seconds(result.RetryAfter).ToString(System.Globalization.CultureInfo.InvariantCulture);
                return Login(context, staff, email, returnUrl,
                    [new FieldProblem("email", $"Too many wrong tries. Wait {Wait(result.RetryAfter)}, then try again.")],
                    null, StatusCodes.Status429TooManyRequests);
            default:
                if (result.RetryAfter > TimeSpan.Zero)
                {
                    context.Response.Headers.RetryAfter = Seconds(result.RetryAfter).ToString(System.Globalization.CultureInfo.InvariantCulture);
                }

                return Login(context, staff, email, returnUrl,
                    [new FieldProblem("email", result.RetryAfter > TimeSpan.Zero
                        ? $"Enter a correct email address and password. Too many wrong tries: wait {Wait(result.RetryAfter)} before the next one."
                        : "Enter a correct email address and password.")],
                    null, StatusCodes.Status401Unauthorized);
        }
    }

    private static int Seconds(TimeSpan wait) => Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds));

    private static string Wait(TimeSpan wait) => Seconds(wait) switch
    {
        1 => "1 second",
        < 120 and var s => $"{s} seconds",
        var s => $"{(s + 59) / 60} minutes",
    };

    private static async Task<IResult> SignInWithOidcAsync(HttpContext context, IOptions<StaffOptions> options)
    {
        if (options.Value.SignIn != StaffSignInMode.Oidc)
        {
            return NotFoundPage(context);
        }

        var form = await context.Request.ReadFormAsync(context.RequestAborted);
        return Results.Challenge(new AuthenticationProperties { RedirectUri = SafeReturn(form["returnUrl"]) }, [StaffClaims.OidcScheme]);
    }

    private static async Task<IResult> SignOutAsync(HttpContext context, StaffAudit audit, StaffSessions sessions)
    {
        var staff = StaffMember.From(context.User)!;
        await context.SignOutAsync(StaffClaims.Scheme);
        // Every session of this person ends, not only this browser's: a copy of the cookie is worthless from now on.
        await sessions.EndAllAsync(staff.Email, context.RequestAborted);
        await audit.WriteAsync(staff.Email, AuditActions.SignedOut, cancellationToken: context.RequestAborted);
        return SeeOther($"{StaffAuthentication.LoginPath}?signedOut=true");
    }

    private static IResult Login(HttpContext context, StaffOptions staff, string? email, string? returnUrl, IReadOnlyList<FieldProblem> problems, string? notice, int status)
    {
        var chrome = Chrome(context, "Sign in", "login") with { Staff = null };
        var model = new LoginModel(chrome, staff.SignIn, staff.Oidc.DisplayName, email, OidcSignIn.IsLocalInboxPath(returnUrl) ? returnUrl : null, problems, notice, staff.FailedSignInsBeforeDelay, Wait(staff.MaxSignInDelay));
        return Page<LoginPage>(model, status);
    }

    private static string SafeReturn(StringValues returnUrl)
    {
        var value = returnUrl.ToString();
        return OidcSignIn.IsLocalInboxPath(value) ? value : "/inbox";
    }
}
