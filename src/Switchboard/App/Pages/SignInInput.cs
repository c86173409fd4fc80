using System.ComponentModel.DataAnnotations;

namespace Switchboard.App.Pages;

public sealed class SignInInput
{
    [Required(ErrorMessage = "Enter your email address.")]
    [EmailAddress(ErrorMessage = "Enter an email address like name@example.com.")]
    [StringLength(256, ErrorMessage = "An email address has at most 256 characters.")]
    public string? Email { get; set; }

    [Required(ErrorMessage = "Enter your password.")]
    [StringLength(1000, ErrorMessage = "A password has at most 1,000 characters.")]
    public string? Password { get; set; }

    /// <summary>Where to go after signing in: a path on this site only, never another site (open redirects).</summary>
    public static string LocalOnly(string? url) =>
        url is { Length: > 0 } && url.StartsWith('/') && !url.StartsWith("//", StringComparison.Ordinal) && !url.StartsWith("/\\", StringComparison.Ordinal) ? url : "/";
}

public sealed class NewPasswordInput
{
    [Required(ErrorMessage = "Choose a password.")]
    [StringLength(1000, MinimumLength = 10, ErrorMessage = "Use at least 10 characters.")]
    public string? Password { get; set; }

    [Compare(nameof(Password), ErrorMessage = "The two passwords differ.")]
    public string? Confirm { get; set; }
}

public sealed class SetupInput
{
    [Required(ErrorMessage = "Enter your email address.")]
    [EmailAddress(ErrorMessage = "Enter an email address like name@example.com.")]
    [StringLength(256, ErrorMessage = "An email address has at most 256 characters.")]
    public string? Email { get; set; }

    [Required(ErrorMessage = "Choose a password.")]
    [StringLength(1000, MinimumLength = 10, ErrorMessage = "Use at least 10 characters.")]
    public string? Password { get; set; }
}

public sealed class ForgotInput
{
    [Required(ErrorMessage = "Enter your email address.")]
    [EmailAddress(ErrorMessage = "Enter an email address like name@example.com.")]
    [StringLength(256, ErrorMessage = "An email address has at most 256 characters.")]
    public string? Email { get; set; }
}
