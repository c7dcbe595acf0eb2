import Foundation

/// The canonical form of a phrase, under which two spellings of one name are the same phrase.
///
/// "Greg Rutkowski", "GREG  RUTKOWSKI" and "Grég Rutkowski" share the key `greg rutkowski`: compatibility
/// decomposition, marks and invisible characters removed, lower case, and every run of anything that is not a
/// letter or digit folded into one space. The key decides uniqueness between artists and the dictionary check.
public enum PhraseKey {
    /// Returns the key of `text`.
    public static func make(_ text: String) -> String {
        var out = String.UnicodeScalarView()
        var pendingSpace = false
        for scalar in text.decomposedStringWithCompatibilityMapping.unicodeScalars {
            let properties = scalar.properties
            if isMark(properties) || properties.isDefaultIgnorableCodePoint || properties.generalCategory == .format {
                continue
            }
            if properties.isAlphabetic || properties.numericType != nil {
                if pendingSpace && !out.isEmpty { out.append(" ") }
                pendingSpace = false
                for lower in scalar.properties.lowercaseMapping.unicodeScalars { out.append(lower) }
            } else {
                pendingSpace = true
            }
        }
        return String(out)
    }

    /// The number of letters in `text`, after marks and invisible characters are removed.
    public static func letterCount(_ text: String) -> Int {
        make(text).unicodeScalars.reduce(0) { $0 + ($1.properties.isAlphabetic ? 1 : 0) }
    }

    static func isMark(_ properties: Unicode.Scalar.Properties) -> Bool {
        switch properties.generalCategory {
        case .nonspacingMark, .spacingMark, .enclosingMark: true
        default: false
        }
    }
}
