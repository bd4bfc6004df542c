/// The version `svctop --version` prints.
public enum SvctopVersion {
    public static let current = "0.1.0"
}
