namespace Wacht.Client; internal static class Placeholder { }
