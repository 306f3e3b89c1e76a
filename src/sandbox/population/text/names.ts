/** First and last names by language. Made-up people get common names of their language area. */
import type { Lang } from '../../types.ts';

export interface NameLists {
  female: readonly string[];
  male: readonly string[];
  last: readonly string[];
}

export const NAMES: Readonly<Record<Lang, NameLists>> = {
  en: {
    female: 'Emma Olivia Ava Sophia Isabella Mia Charlotte Amelia Harper Evelyn Abigail Emily Ella Elizabeth Sofia Avery Scarlett Grace Chloe Victoria Riley Aria Lily Hannah Zoe Nora Layla Jessica Sarah Jennifer Ashley Megan Rachel Lauren Amanda Nicole Katie Priya Aisha Mei Yuki Fatima Chiara Ngozi Maya Leah Julia Claire Anna Kate Lucy Brittany Danielle Tasha Keisha Rebecca Siobhan Niamh Freya Imogen'.split(' '),
    male: 'Liam Noah Oliver James Elijah William Henry Lucas Benjamin Theodore Jack Daniel Michael Matthew David Joseph Ryan Jacob Ethan Andrew Chris Tyler Josh Kevin Brian Tom Sam Alex Ben Dan Mark Paul Rahul Arjun Wei Kenji Omar Tunde Diego Marco Luca Ahmed Jamal Connor Patrick Sean Luke Adam Nathan Brandon Derek Malik Hamza Callum Rhys Owen Greg Steve Mike'.split(' '),
    last: "Smith Johnson Williams Brown Jones Miller Davis Wilson Anderson Taylor Thomas Moore Jackson Martin Lee Thompson White Harris Clark Lewis Robinson Walker Young Allen King Wright Scott Hill Green Adams Baker Nelson Carter Mitchell Roberts Turner Phillips Campbell Parker Evans Edwards Collins Stewart Murphy Cook Rogers Morgan Cooper Peterson Reed Bailey Kelly Howard Ward Cox Brooks Wood Bennett Gray Hughes Price Patel Shah Chen Wang Kim Nguyen Singh Okafor Adeyemi O'Brien McCarthy Kowalski Rossi Schmidt Fischer Novak Jensen Larsen Ali Khan Obi Mensah Tanaka Sato Walsh Byrne Fletcher Hart Holmes Lawson".split(' '),
  },
  fr: {
    female: 'Camille Léa Manon Chloé Emma Inès Sarah Jade Louise Alice Juliette Clara Lucie Pauline Marine Mathilde Élodie Aurélie Céline Sophie Julie Laura Marie Charlotte Anaïs Margaux Zoé Amélie Hélène Nathalie Isabelle Sandrine Valérie Claire Agathe Fanny Émilie Justine Salomé Yasmine Fatou Amina Nadia Rose Océane Maëlle Gaëlle Solène Ophélie Geneviève'.split(' '),
    male: 'Thomas Nicolas Julien Maxime Alexandre Antoine Lucas Hugo Louis Théo Mathieu Guillaume Romain Kévin Sébastien Florian Quentin Pierre Jean Baptiste Benoît Olivier Laurent Christophe Stéphane Jérôme Cédric Arnaud Vincent Clément Adrien Raphaël Gabriel Léo Victor Mehdi Karim Yanis Moussa Samir Loïc Yannick François Gaël Jérémy Mathis Étienne Félix'.split(' '),
    last: "Martin Bernard Dubois Thomas Robert Richard Petit Durand Leroy Moreau Simon Laurent Lefèvre Michel Garcia David Bertrand Roux Vincent Fournier Morel Girard André Lefebvre Mercier Dupont Lambert Bonnet François Martinez Legrand Garnier Faure Rousseau Blanc Guérin Muller Henry Roussel Nicolas Perrin Morin Mathieu Clément Gauthier Dumont Lopez Fontaine Chevalier Robin Masson Sanchez Gérard Nguyen Boyer Denis Lemaire Duval Joly Gautier Roger Roche Roy Noël Meyer Meunier Perez Marchand Dufour Blanchard Barbier Brun Dumas Brunet Schmitt Leroux Colin Renard Arnaud Caron Aubert Giraud Leclerc Vidal Bourgeois Renaud Lemoine Picard Gaillard Lacroix Fabre Dupuis Hubert Rivière Tremblay Gagnon Côté Bouchard Benali Diallo Traoré N'Diaye Le_Gall Le_Roux".split(' ').map((n) => n.replace('_', ' ')),
  },
  es: {
    female: 'Lucía María Sofía Martina Valentina Camila Isabella Paula Daniela Julia Carmen Ana Laura Marta Elena Sara Alba Andrea Claudia Irene Natalia Raquel Cristina Patricia Beatriz Rocío Nuria Mariana Gabriela Fernanda Ximena Catalina Luciana Florencia Agustina Valeria Renata Paola Guadalupe Verónica Pilar Inés Noelia Lorena Mónica Ainhoa Itziar Montserrat'.split(' '),
    male: 'Alejandro Daniel Pablo David Javier Sergio Carlos Miguel Antonio Manuel Francisco Juan José Luis Jorge Álvaro Adrián Diego Hugo Mario Raúl Iván Rubén Óscar Andrés Mateo Santiago Sebastián Nicolás Matías Tomás Joaquín Emiliano Felipe Gonzalo Ignacio Rodrigo Fernando Ricardo Eduardo Héctor Gustavo Julián Martín Leonardo Iker Jordi Unai'.split(' '),
    last: 'García Rodríguez González Fernández López Martínez Sánchez Pérez Gómez Martín Jiménez Ruiz Hernández Díaz Moreno Muñoz Álvarez Romero Alonso Gutiérrez Navarro Torres Domínguez Vázquez Ramos Gil Ramírez Serrano Blanco Molina Morales Suárez Ortega Delgado Castro Ortiz Rubio Marín Sanz Núñez Iglesias Medina Garrido Cortés Castillo Santos Lozano Guerrero Cano Prieto Méndez Cruz Calvo Gallego Vidal León Márquez Herrera Peña Flores Cabrera Campos Vega Fuentes Carrasco Reyes Caballero Nieto Aguilar Pascual Herrero Montero Lorenzo Hidalgo Ibáñez Ferrer Durán Benítez Mora Vargas Arias Crespo Pastor Soto Sáez Velasco Soler Parra Bravo Gallardo Rojas Pardo Quintero Salazar Ospina Londoño Restrepo Acosta Rivas Paredes Castañeda Zapata Aguirre'.split(' '),
  },
};
